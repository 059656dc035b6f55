import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, QueryFailedError, Repository } from 'typeorm';
import type { AttemptStore, AttemptWindow } from './attempt-counter';
import { SignInFailureEntity } from './sign-in-failure.entity';

/** Rows older than this are deleted now and then (the longest window, the sign-up limit, is an hour). */
const RETAIN_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * Attempt counts in the database, read and written on each attempt: failures are rare and each already costs a
 * scrypt run, so the round trips do not matter, and every instance sees every other's failures at once.
 */
@Injectable()
export class SignInFailuresStore implements AttemptStore {
  private lastPrune = 0;

  constructor(@InjectRepository(SignInFailureEntity) private readonly repo: Repository<SignInFailureEntity>) {}

  async read(keyHash: string): Promise<AttemptWindow | null> {
    const row = await this.repo.findOneBy({ keyHash });
    return row ? { count: row.failures, first: Number(row.windowStart) } : null;
  }

  async hit(keyHash: string, now: number, windowMs: number): Promise<void> {
    const open = now - windowMs;
    // Each step is one atomic statement, so two instances counting at once never lose a failure.
    if (await this.increment(keyHash, open)) return;
    try {
      await this.repo.insert({ keyHash, failures: 1, windowStart: String(now) });
      await this.prune(now);
      return;
    } catch (e) {
      if (!(e instanceof QueryFailedError) || !/unique|duplicate|constraint/i.test(e.message)) throw e;
    }
    // A row exists: restart it if its window has passed, else another instance just opened one; count into that.
    const restarted = await this.repo
      .createQueryBuilder()
      .update(SignInFailureEntity)
      .set({ failures: 1, windowStart: String(now) })
      .where('key_hash = :keyHash AND window_start <= :open', { keyHash, open })
      .execute();
    if (!restarted.affected) await this.increment(keyHash, open);
  }

  async remove(keyHash: string): Promise<void> {
    await this.repo.delete({ keyHash });
  }

  private async increment(keyHash: string, open: number): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(SignInFailureEntity)
      .set({ failures: () => 'failures + 1' })
      .where('key_hash = :keyHash AND window_start > :open', { keyHash, open })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  private async prune(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.repo.delete({ windowStart: LessThan(String(now - RETAIN_MS)) });
  }
}
