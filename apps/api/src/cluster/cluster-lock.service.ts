import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, QueryFailedError, Repository } from 'typeorm';
import { ClusterLockEntity } from './cluster-lock.entity';

export interface LockOptions {
  /** How long the lease lasts if its holder dies before releasing it. */
  leaseMs: number;
  /** Wait up to this long for another holder to finish (0: give up at once). */
  waitMs?: number;
}

const POLL_MS = 100;

/**
 * Work that must run once across all instances sharing a database. A lease is a row: taken by inserting it, or by
 * updating it when its holder's lease has run out; the database decides between two instances trying at once.
 */
@Injectable()
export class ClusterLockService {
  constructor(@InjectRepository(ClusterLockEntity) private readonly repo: Repository<ClusterLockEntity>) {}

  /**
   * Runs `work` while holding the lease `name`; resolves to `{ ran: false }` when another instance held it for
   * longer than `waitMs`. The lease is released when `work` settles, whatever its outcome.
   */
  async withLock<T>(
    name: string,
    options: LockOptions,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    const holder = randomUUID();
    const deadline = Date.now() + (options.waitMs ?? 0);
    while (!(await this.tryAcquire(name, holder, options.leaseMs))) {
      if (Date.now() >= deadline) return { ran: false };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return { ran: true, value: await work() };
    } finally {
      await this.repo.delete({ name, holder });
    }
  }

  private async tryAcquire(name: string, holder: string, leaseMs: number): Promise<boolean> {
    const expiresAt = new Date(Date.now() + leaseMs);
    try {
      await this.repo.insert({ name, holder, expiresAt });
      return true;
    } catch (e) {
      if (!(e instanceof QueryFailedError) || !/unique|duplicate|constraint/i.test(e.message)) throw e;
    }
    // Taken: it is ours only if the current holder's lease has run out, and only one updater can win that.
    const taken = await this.repo.update({ name, expiresAt: LessThan(new Date()) }, { holder, expiresAt });
    return (taken.affected ?? 0) > 0;
  }
}
