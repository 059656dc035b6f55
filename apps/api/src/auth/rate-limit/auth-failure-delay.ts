import { Injectable } from '@nestjs/common';

const WINDOW_MS = 15 * 60 * 1000;
const FREE_FAILURES = 3;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8000;
const MAX_TRACKED = 50_000;

/**
 * A growing delay after repeated failed client authentications from one address for one client id: the first
 * three failures cost nothing, then each doubles the wait (250 ms, 500 ms, ... up to 8 s). Guessing secrets gets
 * slow; a client that authenticates once starts afresh.
 */
@Injectable()
export class AuthFailureDelay {
  private readonly failures = new Map<string, { count: number; first: number }>();

  /** Counts a failure and waits the delay it has earned. */
  async penalise(key: string): Promise<void> {
    const now = Date.now();
    let entry = this.failures.get(key);
    if (!entry || now - entry.first > WINDOW_MS) {
      if (this.failures.size >= MAX_TRACKED) this.failures.clear();
      entry = { count: 0, first: now };
      this.failures.set(key, entry);
    }
    entry.count += 1;
    const delay = delayFor(entry.count);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  delete(key: string): void {
    this.failures.delete(key);
  }
}

export function delayFor(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1));
}
