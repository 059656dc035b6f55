/**
 * Group commit: rows pushed while a write is in flight are written together in the next batch, and each caller's
 * promise settles only when the batch holding its row has committed. Nothing is acknowledged from memory alone.
 */
export class GroupCommitQueue<T> {
  private pending: { row: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  push(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every row pushed so far has been written (or has failed). */
  async drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // Let the requests of this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((b) => b.row));
          for (const b of batch) b.resolve();
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }
}
