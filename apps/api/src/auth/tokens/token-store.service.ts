import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThan, MoreThanOrEqual, Not, Repository } from 'typeorm';
import type { LiveToken } from '@ccri/contracts';
import { FastInsertService, InsertTable, PendingRow } from '../../database/fast-insert.service';
import { IssuedTokenEntity } from './issued-token.entity';

/** How often each instance reads revocations made by the others (DESIGN.md: honoured everywhere within 2 s). */
export const REVOCATION_POLL_MS = 1000;
/** Overlap of successive polls, so a revoking instance's clock running behind ours loses nothing. */
const POLL_OVERLAP_MS = 30_000;

export type IssuedToken = Pick<
  IssuedTokenEntity,
  'jti' | 'kind' | 'clientId' | 'scope' | 'patient' | 'kid' | 'issuedAt' | 'expiresAt'
> & { grantId?: string | null };

/**
 * The record of issued tokens and their revocation. Revoked, unexpired `jti`s are held in memory for the hot path
 * and refreshed from the database every second.
 */
@Injectable()
export class TokenStoreService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenStoreService.name);
  private readonly revoked = new Map<string, number>();
  private readonly inserts: InsertTable<IssuedTokenEntity>;
  private timer: NodeJS.Timeout | null = null;
  private lastPoll = 0;
  private polling = false;

  constructor(
    @InjectRepository(IssuedTokenEntity) private readonly repo: Repository<IssuedTokenEntity>,
    fastInsert: FastInsertService,
  ) {
    this.inserts = fastInsert.table(IssuedTokenEntity);
  }

  async onModuleInit(): Promise<void> {
    const now = new Date();
    const rows = await this.repo.find({
      select: { jti: true, expiresAt: true },
      where: { revokedAt: Not(IsNull()), expiresAt: MoreThan(now) },
    });
    for (const r of rows) this.revoked.set(r.jti, r.expiresAt.getTime());
    this.lastPoll = now.getTime();
    this.timer = setInterval(() => void this.poll(), REVOCATION_POLL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Durably records an issued token; resolves once committed. */
  record(token: IssuedToken): Promise<void> {
    return this.inserts.push({ ...token, grantId: token.grantId ?? null, revokedAt: null });
  }

  /** The record of an issued token, for the caller to commit together with other rows (`FastInsertService.commit`). */
  pendingRecord(token: IssuedToken): PendingRow {
    return this.inserts.row({ ...token, grantId: token.grantId ?? null, revokedAt: null });
  }

  isRevoked(jti: string): boolean {
    return this.revoked.has(jti);
  }

  /** Revokes one token. Returns its record (or null when the server never issued it). */
  async revoke(jti: string): Promise<IssuedTokenEntity | null> {
    const row = await this.repo.findOneBy({ jti });
    if (!row) return null;
    if (!row.revokedAt) {
      await this.repo.update({ jti, revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    this.revoked.set(jti, row.expiresAt.getTime());
    return row;
  }

  /** Revokes every live token of a client (all of them, or all but `exceptJti`). Returns how many. */
  async revokeClient(clientId: string, exceptJti?: string): Promise<number> {
    const live = await this.repo.find({
      select: { jti: true, expiresAt: true },
      where: { clientId, kind: 'access', revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
    const targets = live.filter((t) => t.jti !== exceptJti);
    if (targets.length === 0) return 0;
    for (let i = 0; i < targets.length; i += 500) {
      const chunk = targets.slice(i, i + 500);
      await this.repo.update({ jti: In(chunk.map((t) => t.jti)), revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    for (const t of targets) this.revoked.set(t.jti, t.expiresAt.getTime());
    return targets.length;
  }

  /** Revokes every live token issued under an authorization grant (RFC 6749 §4.1.2, §10.4). Returns how many. */
  async revokeGrant(grantId: string): Promise<number> {
    const live = await this.repo.find({
      select: { jti: true, expiresAt: true },
      where: { grantId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
    if (live.length === 0) return 0;
    for (let i = 0; i < live.length; i += 500) {
      const chunk = live.slice(i, i + 500);
      await this.repo.update({ jti: In(chunk.map((t) => t.jti)), revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    for (const t of live) this.revoked.set(t.jti, t.expiresAt.getTime());
    return live.length;
  }

  async find(jti: string): Promise<IssuedTokenEntity | null> {
    return this.repo.findOneBy({ jti });
  }

  /** Live (unexpired, unrevoked) access tokens, newest first. */
  async listLive(clientId?: string, limit = 500): Promise<LiveToken[]> {
    const rows = await this.repo.find({
      where: {
        kind: 'access',
        revokedAt: IsNull(),
        expiresAt: MoreThan(new Date()),
        ...(clientId ? { clientId } : {}),
      },
      order: { issuedAt: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({
      jti: r.jti,
      client_id: r.clientId,
      scope: r.scope,
      patient: r.patient,
      issued_at: r.issuedAt.toISOString(),
      expires_at: r.expiresAt.toISOString(),
      kid: r.kid,
    }));
  }

  /** Reads revocations made anywhere since the last poll, and forgets expired ones. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const started = Date.now();
    try {
      const rows = await this.repo.find({
        select: { jti: true, expiresAt: true },
        where: { revokedAt: MoreThanOrEqual(new Date(this.lastPoll - POLL_OVERLAP_MS)) },
      });
      for (const r of rows) this.revoked.set(r.jti, r.expiresAt.getTime());
      this.lastPoll = started;
      for (const [jti, exp] of this.revoked) if (exp < started) this.revoked.delete(jti);
    } catch (e) {
      this.logger.warn(`Revocation poll failed: ${(e as Error).message}`);
    } finally {
      this.polling = false;
    }
  }
}
