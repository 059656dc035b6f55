import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { RateLimitCounterEntity } from './rate-limit-counter.entity';

/** How often each instance publishes its counts and reads the others'. */
export const RATE_COUNT_SYNC_MS = 1000;
/** Rows of windows this old are deleted (the longest window is a minute; the previous one still weighs in). */
const RETAIN_MS = 5 * 60_000;
const CHUNK = 200;

/** A counter's current value in one window, as one instance has counted it. */
export interface LocalCount {
  keyHash: string;
  windowStart: number;
  hits: number;
}

export function counterKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Rate-limit counts shared through the database: each instance decides on the request path from its own counts plus
 * the other instances' counts as last read (at most RATE_COUNT_SYNC_MS old), so the path never waits on the database,
 * and N instances together admit the limit plus at most about one second of each other's traffic.
 */
@Injectable()
export class SharedRateCounts implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SharedRateCounts.name);
  readonly instance = randomUUID();
  private readonly sources: (() => LocalCount[])[] = [];
  private others = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private syncing = false;
  private lastPrune = 0;

  constructor(@InjectRepository(RateLimitCounterEntity) private readonly repo: Repository<RateLimitCounterEntity>) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sync(), RATE_COUNT_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A source of counts that changed since it was last asked (it hands each change over once). */
  register(source: () => LocalCount[]): void {
    this.sources.push(source);
  }

  /** What the other instances had counted for this counter and window at the last sync. */
  othersFor(keyHash: string, windowStart: number): number {
    return this.others.get(`${keyHash}@${windowStart}`) ?? 0;
  }

  /** Publishes this instance's changed counts and reads everyone else's. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    const now = Date.now();
    try {
      const changed = this.sources.flatMap((source) => source());
      for (let i = 0; i < changed.length; i += CHUNK) {
        const rows = changed.slice(i, i + CHUNK).map((c) => ({
          keyHash: c.keyHash,
          windowStart: String(c.windowStart),
          instance: this.instance,
          hits: c.hits,
        }));
        await this.repo.upsert(rows, ['keyHash', 'windowStart', 'instance']);
      }
      const sums = await this.repo
        .createQueryBuilder('c')
        .select('c.key_hash', 'keyHash')
        .addSelect('c.window_start', 'windowStart')
        .addSelect('SUM(c.hits)', 'hits')
        .where('c.window_start >= :since AND c.instance <> :me', { since: now - 2 * 60_000, me: this.instance })
        .groupBy('c.key_hash')
        .addGroupBy('c.window_start')
        .getRawMany<{ keyHash: string; windowStart: string | number; hits: string | number }>();
      const others = new Map<string, number>();
      for (const s of sums) others.set(`${s.keyHash}@${Number(s.windowStart)}`, Number(s.hits));
      this.others = others;
      if (now - this.lastPrune > 60_000) {
        this.lastPrune = now;
        await this.repo.delete({ windowStart: LessThan(String(now - RETAIN_MS)) });
      }
    } catch (e) {
      // A database outage leaves each instance counting on its own, which still bounds every client.
      this.logger.warn(`Rate-limit counts could not be shared: ${(e as Error).message}`);
    } finally {
      this.syncing = false;
    }
  }
}
