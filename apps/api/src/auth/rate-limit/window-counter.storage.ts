import type { ThrottlerStorage } from '@nestjs/throttler';
import { counterKeyHash, type LocalCount, type SharedRateCounts } from './shared-rate-counts.service';

interface Window {
  /** Start of the current window: a multiple of the window length, so every instance means the same window. */
  start: number;
  count: number;
  previous: number;
  blockedUntil: number;
  keyHash: string;
}

const SWEEP_MS = 60_000;

/**
 * Sliding-window rate counting in constant time per request: the current window's count plus the previous one's,
 * weighted by how much of it still overlaps. (The library's default storage keeps a timestamp per hit and filters
 * them on every request, which costs O(limit) each time at the generous limits this server runs with.)
 * With `shared`, the other instances' counts (SharedRateCounts) are added in, and this instance's are published.
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly changed = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly shared?: SharedRateCounts) {
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
    shared?.register(() => this.takeChanges());
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    const id = `${throttlerName}|${key}`;
    const current = now - (now % ttl);
    let w = this.windows.get(id);
    if (!w) {
      w = { start: current, count: 0, previous: 0, blockedUntil: 0, keyHash: this.shared ? counterKeyHash(id) : '' };
      this.windows.set(id, w);
    } else if (w.start !== current) {
      w.previous = current - w.start === ttl ? w.count : 0;
      w.start = current;
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
    let count = w.count;
    let previous = w.previous;
    if (this.shared) {
      count += this.shared.othersFor(w.keyHash, w.start);
      previous += this.shared.othersFor(w.keyHash, w.start - ttl);
    }
    const estimate = count + 1 + Math.floor(previous * overlap);
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
    if (this.shared) this.changed.add(id);
    return { totalHits: estimate, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** The counts changed since the last call, each handed over once. */
  private takeChanges(): LocalCount[] {
    const out: LocalCount[] = [];
    for (const id of this.changed) {
      const w = this.windows.get(id);
      if (w) out.push({ keyHash: w.keyHash, windowStart: w.start, hits: w.count });
    }
    this.changed.clear();
    return out;
  }

  /** Forgets windows idle for two minutes. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, w] of this.windows)
      if (now - w.start > 2 * SWEEP_MS && w.blockedUntil < now) this.windows.delete(id);
  }
}
