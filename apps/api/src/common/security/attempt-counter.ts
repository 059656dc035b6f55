import { createHash } from 'node:crypto';

/** At most this many keys are remembered in memory; the oldest windows go first (cycling keys cannot grow memory). */
const MAX_KEYS = 10_000;

/** A key's failures in its current window (`first`: when the window opened, ms since the epoch). */
export interface AttemptWindow {
  count: number;
  first: number;
}

/** Where counts live: the database (SignInFailuresStore, shared by every instance) or memory (tests). */
export interface AttemptStore {
  read(keyHash: string): Promise<AttemptWindow | null>;
  /** Counts one attempt: into the open window, or into a fresh one when the old has passed. */
  hit(keyHash: string, now: number, windowMs: number): Promise<void>;
  remove(keyHash: string): Promise<void>;
}

/**
 * Counts attempts per key in a fixed window: the one sign-in throttle of administrators, developers and end users
 * (and the portal's sign-up limit). Counts are kept in the store, which in the server is the database, so N
 * instances behind a load balancer share one limit instead of allowing N times as many guesses.
 */
export class AttemptCounter {
  constructor(
    private readonly store: AttemptStore,
    /** Names the counter, so the same key (a username, an address) counts separately in each. */
    readonly name: string,
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `key` may try again; 0 when it may now. */
  async retryAfter(key: string): Promise<number> {
    const w = await this.store.read(this.hash(key));
    if (!w) return 0;
    const left = w.first + this.windowMs - this.now();
    if (left <= 0) return 0;
    return w.count >= this.max ? Math.ceil(left / 1000) : 0;
  }

  /** Counts one attempt for `key`. */
  hit(key: string): Promise<void> {
    return this.store.hit(this.hash(key), this.now(), this.windowMs);
  }

  reset(key: string): Promise<void> {
    return this.store.remove(this.hash(key));
  }

  private hash(key: string): string {
    return createHash('sha256').update(`${this.name}\n${key}`).digest('hex');
  }
}

/** Counts in this process only. */
export class MemoryAttemptStore implements AttemptStore {
  private readonly windows = new Map<string, AttemptWindow & { windowMs: number }>();

  async read(keyHash: string): Promise<AttemptWindow | null> {
    return this.windows.get(keyHash) ?? null;
  }

  async hit(keyHash: string, now: number, windowMs: number): Promise<void> {
    const w = this.windows.get(keyHash);
    if (w && now - w.first < windowMs) {
      w.count += 1;
      return;
    }
    this.windows.delete(keyHash);
    if (this.windows.size >= MAX_KEYS) this.prune(now);
    this.windows.set(keyHash, { count: 1, first: now, windowMs });
  }

  async remove(keyHash: string): Promise<void> {
    this.windows.delete(keyHash);
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.first >= w.windowMs) this.windows.delete(key);
    // Map iteration follows insertion order: what is left over the cap is dropped oldest first.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
