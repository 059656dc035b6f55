import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, LessThan, ObjectLiteral } from 'typeorm';
import { AuthorizationCodeEntity } from '../authorize/authorization-code.entity';
import { LaunchContextEntity } from '../authorize/launch-context.entity';
import { IssuedTokenEntity } from '../tokens/issued-token.entity';
import { RefreshTokenEntity } from '../tokens/refresh-token.entity';

/**
 * How long a record outlives its own expiry. Nothing accepts an expired token, code or launch, so a record is only
 * kept a while for the people reading it: a code or refresh token presented again shortly after it expired still
 * reads as "reused" or "expired" rather than "unknown", and an administrator looking into an incident the same day
 * still finds the rows. The audit trail, not these tables, is the history.
 */
export const EXPIRED_RECORD_RETENTION_MS = 24 * 3600_000;
/** How often each instance sweeps (every instance may: a delete of what another already deleted removes nothing). */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
/** The first sweep after a start, so that a start is not slowed by it. */
const FIRST_SWEEP_MS = 60_000;
/** Rows one delete statement removes at most: a short statement holds its locks briefly on MySQL. */
const BATCH = 1000;
/** Batches one sweep of one table takes at most; the rest waits for the next sweep. */
const MAX_BATCHES = 200;

interface Expiring {
  /** The table, as the log names it. */
  table: string;
  entity: EntityTarget<ObjectLiteral>;
  /** The primary key's property. */
  key: string;
}

/** The tables of the authorization server whose rows expire; each has an index on `expires_at`. */
const EXPIRING: readonly Expiring[] = [
  { table: 'issued_tokens', entity: IssuedTokenEntity, key: 'jti' },
  { table: 'refresh_tokens', entity: RefreshTokenEntity, key: 'tokenHash' },
  { table: 'authorization_codes', entity: AuthorizationCodeEntity, key: 'codeHash' },
  { table: 'launch_contexts', entity: LaunchContextEntity, key: 'launchHash' },
];

export type SweepResult = Record<string, number>;

/**
 * Deletes what the authorization server no longer needs: access tokens and sessions (`issued_tokens`), refresh
 * tokens, authorization codes and EHR launch contexts a day after they expired. Without it these tables grow with
 * every token issued (the token endpoint issues hundreds a second under load) and never shrink.
 */
@Injectable()
export class AuthHousekeepingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuthHousekeepingService.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<SweepResult> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_SWEEP_MS);
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One sweep of every table now (a sweep already running is joined, not doubled); the rows deleted per table. */
  sweep(now = Date.now()): Promise<SweepResult> {
    this.sweeping ??= this.sweepAll(now).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((e: Error) => this.logger.warn(`Expired authorization records could not be deleted: ${e.message}`))
        .finally(() => {
          if (this.timer) this.schedule(HOUSEKEEPING_INTERVAL_MS);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async sweepAll(now: number): Promise<SweepResult> {
    const cutoff = new Date(now - EXPIRED_RECORD_RETENTION_MS);
    const result: SweepResult = {};
    for (const t of EXPIRING) result[t.table] = await this.sweepTable(t, cutoff);
    const total = Object.values(result).reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log(`Deleted ${total} expired authorization records ${JSON.stringify(result)}`);
    return result;
  }

  /** Deletes a table's rows that expired before `cutoff`, a batch of primary keys at a time. */
  private async sweepTable(t: Expiring, cutoff: Date): Promise<number> {
    const repo = this.dataSource.getRepository(t.entity);
    let deleted = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const rows = await repo.find({
        select: { [t.key]: true },
        where: { expiresAt: LessThan(cutoff) },
        take: BATCH,
      });
      if (rows.length === 0) break;
      const result = await repo.delete(rows.map((r) => r[t.key] as string));
      deleted += result.affected ?? rows.length;
      if (rows.length < BATCH) break;
    }
    return deleted;
  }
}
