import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, LessThan, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BulkExportAudit } from './bulk-export-audit';
import { BulkExportJobEntity } from './bulk-export-job.entity';
import { BulkExporter } from './bulk-exporter';

/** A job interrupted this many times (its instance died each time) is failed rather than started again. */
export const MAX_ATTEMPTS = 3;
const TICK_MS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Progress (and the lease) is written at most this often while a job runs. */
const PROGRESS_MS = 1000;

/**
 * Runs queued export jobs in the background, at most BULK_EXPORT_CONCURRENCY at once per instance. A job is claimed
 * with a conditional UPDATE (only one instance's claim can succeed) and held by a lease its runner renews; a job
 * whose instance died is claimed again once the lease has run out, and started afresh. Also deletes jobs and files
 * past their retention.
 */
@Injectable()
export class BulkExportRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BulkExportRunner.name);
  /** This instance, as the owner of the jobs it runs. */
  readonly instanceId = randomUUID();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(BulkExportJobEntity) private readonly jobs: Repository<BulkExportJobEntity>,
    private readonly exporter: BulkExporter,
    private readonly audit: BulkExportAudit,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    // Handing the jobs back lets another instance (or this one after its restart) take them at once.
    for (const { abort } of this.running.values()) abort.abort(new Error('shutting down'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Starts a claim round now rather than at the next tick (a job was just queued). */
  wake(): void {
    if (!this.stopped && !this.ticking) this.schedule(0);
  }

  /** Aborts this instance's run of a job (it was cancelled). */
  abortRun(jobId: string): void {
    this.running.get(jobId)?.abort.abort(new Error('cancelled'));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick()
        .catch((e: Error) => this.logger.warn(`Bulk export round failed: ${e.message}`))
        .finally(() => {
          this.ticking = null;
          if (!this.stopped) this.schedule(TICK_MS);
        });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.lastSweep > 60_000) {
      this.lastSweep = Date.now();
      await this.sweep();
    }
    const free = this.config.bulkExport.concurrency - this.running.size;
    if (free <= 0) return;
    const now = new Date();
    const candidates = await this.jobs
      .createQueryBuilder('j')
      .select(['j.id', 'j.attempts'])
      .where(claimable(now, 'j.'))
      .orderBy('j.created_at', 'ASC')
      .limit(free)
      .getMany();
    for (const candidate of candidates) {
      if (this.stopped) return;
      // Still running here: a stall (a busy event loop, a slow page) let its lease lapse, yet the run is alive and its
      // next progress write renews the lease. Claimed again, it would run twice at once, or be given up as
      // interrupted. Another instance may still take it over (the run then stops at that write).
      if (this.running.has(candidate.id)) continue;
      if (candidate.attempts >= MAX_ATTEMPTS) {
        await this.giveUp(candidate.id, now);
        continue;
      }
      const job = await this.claim(candidate.id, now);
      if (job) this.start(job);
    }
  }

  /** Claims a job: only one instance's UPDATE matches a queued job or one whose lease has run out. */
  private async claim(id: string, now: Date): Promise<BulkExportJobEntity | null> {
    const result = await this.jobs
      .createQueryBuilder()
      .update()
      .set({ status: 'running', owner: this.instanceId, leaseUntil: this.leaseEnd(), attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .andWhere(claimable(now))
      .execute();
    if ((result.affected ?? 0) === 0) return null;
    return this.jobs.findOneBy({ id, owner: this.instanceId });
  }

  private async giveUp(id: string, now: Date): Promise<void> {
    const reason = `The export was interrupted ${MAX_ATTEMPTS} times (its server stopped); start a new one`;
    const result = await this.jobs
      .createQueryBuilder()
      .update()
      .set({
        status: 'failed',
        error: reason,
        owner: null,
        leaseUntil: null,
        completedAt: now,
        expiresAt: this.expiry(now),
      })
      .where('id = :id', { id })
      .andWhere(claimable(now))
      .execute();
    if ((result.affected ?? 0) > 0) {
      await this.exporter.removeFiles(id);
      const job = await this.jobs.findOneBy({ id });
      if (job) await this.audit.finished(job);
    }
  }

  private start(job: BulkExportJobEntity): void {
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => this.running.delete(job.id));
    this.running.set(job.id, { abort, done });
  }

  private async execute(job: BulkExportJobEntity, signal: AbortSignal): Promise<void> {
    let lastWrite = 0;
    const mine = { id: job.id, owner: this.instanceId, status: 'running' as const };
    try {
      const result = await this.exporter.run(job, signal, async (count, type) => {
        if (Date.now() - lastWrite < PROGRESS_MS) return;
        lastWrite = Date.now();
        const kept = await this.jobs.update(mine, {
          resourceCount: count,
          progress: `Exporting ${type}: ${count} resources written`,
          leaseUntil: this.leaseEnd(),
        });
        // Cancelled, or taken over after this instance stalled past its lease: stop writing.
        if ((kept.affected ?? 0) === 0) throw new JobLost();
      });
      const now = new Date();
      const finished = await this.jobs.update(mine, {
        status: 'completed',
        output: JSON.stringify(result.output),
        errorOutput: JSON.stringify(result.errors),
        resourceCount: result.count,
        progress: `Completed: ${result.count} resources in ${result.output.length} files`,
        owner: null,
        leaseUntil: null,
        completedAt: now,
        expiresAt: this.expiry(now),
      });
      if ((finished.affected ?? 0) === 0) throw new JobLost();
      await this.audit.finished({
        ...job,
        ...mine,
        status: 'completed',
        resourceCount: result.count,
        output: JSON.stringify(result.output),
      });
    } catch (e) {
      if (e instanceof JobLost || (signal.aborted && (signal.reason as Error)?.message === 'cancelled')) {
        // Cancelled: the cancel removed the job; remove what this run wrote after it.
        const still = await this.jobs.findOneBy({ id: job.id }).catch(() => null);
        if (!still || still.status === 'cancelled') await this.exporter.removeFiles(job.id);
        return;
      }
      if (signal.aborted) {
        // Shutting down: hand the job back for the next instance; the next run starts afresh.
        await this.jobs
          .update(mine, { status: 'queued', owner: null, leaseUntil: null, attempts: Math.max(0, job.attempts - 1) })
          .catch(() => undefined);
        return;
      }
      const reason = (e as Error).message.slice(0, 480);
      this.logger.warn(`Bulk export ${job.id} failed: ${reason}`);
      await this.exporter.removeFiles(job.id).catch(() => undefined);
      const now = new Date();
      await this.jobs
        .update(mine, {
          status: 'failed',
          error: `The export failed: ${reason}`,
          owner: null,
          leaseUntil: null,
          completedAt: now,
          expiresAt: this.expiry(now),
        })
        .catch(() => undefined);
      await this.audit.finished({ ...job, status: 'failed', error: reason }).catch(() => undefined);
    }
  }

  /** Deletes jobs past their retention, and their files; and folders no job owns (left by a deleted job). */
  async sweep(now = new Date()): Promise<number> {
    const expired = await this.jobs.find({ where: { expiresAt: LessThan(now) }, select: { id: true } });
    for (const { id } of expired) {
      await this.exporter.removeFiles(id);
      await this.jobs.delete({ id });
    }
    const folders = await readdir(this.config.bulkExport.dir).catch(() => [] as string[]);
    if (folders.length > 0) {
      const known = new Set(
        (await this.jobs.find({ where: { id: In(folders) }, select: { id: true } })).map((j) => j.id),
      );
      for (const folder of folders)
        if (UUID.test(folder) && !known.has(folder)) await this.exporter.removeFiles(folder);
    }
    return expired.length;
  }

  leaseEnd(): Date {
    return new Date(Date.now() + this.config.bulkExport.leaseSeconds * 1000);
  }

  expiry(from: Date): Date {
    return new Date(from.getTime() + this.config.bulkExport.retentionHours * 3600 * 1000);
  }
}

class JobLost extends Error {
  constructor() {
    super('The job is no longer this instance’s to run');
  }
}

/**
 * A job no instance is running: queued, or running under a lease that ran out before `now` (its server stopped).
 * `alias` is the query's alias for the jobs table with its dot ('j.'), or '' in an UPDATE.
 */
function claimable(now: Date, alias = ''): Brackets {
  return new Brackets((w) =>
    w
      .where(`${alias}status = :queued`, { queued: 'queued' })
      .orWhere(`${alias}status = :running AND ${alias}lease_until < :now`, { running: 'running', now }),
  );
}
