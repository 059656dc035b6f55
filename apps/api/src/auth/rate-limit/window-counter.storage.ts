import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  start: number;
  count: number;
  previous: number;
  blockedUntil: number;
}

const SWEEP_MS = 60_000;

/**
 * Sliding-window rate counting in constant time per request: the current window's count plus the previous one's,
 * weighted by how much of it still overlaps. (The library's default storage keeps a timestamp per hit and filters
 * them on every request, which costs O(limit) each time at the generous limits this server runs with.)
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    const id = `${throttlerName}|${key}`;
    let w = this.windows.get(id);
    if (!w) {
      w = { start: now, count: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, w);
    } else if (now - w.start >= ttl) {
      const elapsedWindows = Math.floor((now - w.start) / ttl);
      w.previous = elapsedWindows === 1 ? w.count : 0;
      w.start += elapsedWindows * ttl;
      w.count = 0;
    }
    const timeToExpire = Math.max(1, Math.ceil((w.start + ttl - now) / 1000));
    if (w.blockedUntil > now) {
      return {
        totalHits: w.count + 1,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000),
      };
    }
    const overlap = 1 - (now - w.start) / ttl;
    const estimate = w.count + 1 + Math.floor(w.previous * overlap);
    if (estimate > limit) {
      w.blockedUntil = now + (blockDuration > 0 ? blockDuration : w.start + ttl - now);
      return {
        totalHits: estimate,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: Math.ceil((w.blockedUntil - now) / 1000),
      };
    }
    w.count += 1;
    return { totalHits: estimate, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Forgets windows idle for two minutes. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, w] of this.windows)
      if (now - w.start > 2 * SWEEP_MS && w.blockedUntil < now) this.windows.delete(id);
  }
}
