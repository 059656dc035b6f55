/**
 * Group commit: rows pushed while writes are in flight are written together in the next batch, and each caller's
 * promise settles only when the batch holding its row has committed. Nothing is acknowledged from memory alone.
 *
 * `maxInFlight` batches may be written at once: 1 for a single-writer database (SQLite); a server database takes a
 * few, so a row that arrives just after a batch left does not wait for that batch's commit before its own starts
 * (InnoDB then groups the concurrent commits into one log flush).
 */
export class GroupCommitQueue<T> {
  private pending: { row: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
    private readonly maxInFlight = 1,
  ) {}

  push(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every row pushed so far has been written (or has failed). */
  async drain(): Promise<void> {
    if (this.inFlight === 0 && !this.scheduled && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let the requests of this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.launch();
    });
  }

  private launch(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      let written: Promise<void>;
      try {
        written = this.write(batch.map((b) => b.row));
      } catch (e) {
        written = Promise.reject(e);
      }
      void written.then(
        () => this.settled(batch, null),
        (e: unknown) => this.settled(batch, e ?? new Error('write failed')),
      );
    }
  }

  private settled(batch: { resolve: () => void; reject: (e: unknown) => void }[], error: unknown): void {
    this.inFlight--;
    for (const b of batch) {
      if (error === null) b.resolve();
      else b.reject(error);
    }
    // What arrived meanwhile goes at once: it has already waited for a write.
    if (this.pending.length > 0) this.launch();
    else if (this.inFlight === 0 && !this.scheduled) {
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }
}
