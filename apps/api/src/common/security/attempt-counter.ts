/** At most this many keys are remembered; the oldest windows go first (an attacker cycling keys cannot grow memory). */
const MAX_KEYS = 10_000;

/**
 * Counts attempts per key in a fixed window, in memory: the one sign-in throttle of administrators, developers and
 * end users (and the portal's sign-up limit); enough to slow a password guesser or a sign-up flood on one instance.
 * Each instance counts on its own; N instances allow N times as much, which still bounds guessing to a few attempts
 * per minute per account.
 */
export class AttemptCounter {
  private readonly windows = new Map<string, { count: number; first: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const left = w.first + this.windowMs - this.now();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.max ? Math.ceil(left / 1000) : 0;
  }

  /** Counts one attempt for `key`. */
  hit(key: string): void {
    const now = this.now();
    const w = this.windows.get(key);
    if (w && now - w.first < this.windowMs) {
      w.count += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= MAX_KEYS) this.prune(now);
    this.windows.set(key, { count: 1, first: now });
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.first >= this.windowMs) this.windows.delete(key);
    // Map iteration follows insertion order: what is left over the cap is dropped oldest first.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
