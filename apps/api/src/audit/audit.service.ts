import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Repository } from 'typeorm';
import type { AuditOutcome, AuditQuery, AuditRecord, Page } from '@ccri/contracts';
import { AUDIT_CATEGORIES } from '@ccri/contracts';
import { FastInsertService, InsertTable, PendingRow } from '../database/fast-insert.service';
import { openAudit, StagedAudit, takeAudit } from '../common/http/audit-stage';
import { surfaceOf } from '../common/http/request-context';
import { DomainError } from '../common/errors/domain-error';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/errors/database-unavailable';
import { renderForSurface } from '../common/filters/error-renderers';
import { MetricsService } from '../metrics/metrics.service';
import { AuditEventEntity } from './audit-event.entity';
import { classifyRequest } from './classify-request';
import { toAuditEvent } from './fhir/audit-event.mapper';
import { MAX_AUDIT_EVENT_COUNT, parseAuditEventSearch } from './fhir/audit-event-search';
import { uuidv7 } from '../common/crypto/uuid7';

/**
 * The audit trail. Each audited request's record is committed (group commit: the records of concurrent requests
 * share one INSERT) before its response is sent; if the record cannot be written, the response becomes a 503,
 * so no answered request goes unrecorded (DESIGN.md §Storage, durability).
 */
/** An audit event with no request behind it (AuditService.recordEvent). */
export type BackgroundAuditEvent = Pick<
  AuditRecord,
  'category' | 'action' | 'client_id' | 'outcome' | 'status' | 'reason' | 'resource_type' | 'resource_id' | 'scope'
> & { request_id?: string };

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);
  private readonly table: InsertTable<AuditEventEntity>;

  constructor(
    @InjectRepository(AuditEventEntity) private readonly repo: Repository<AuditEventEntity>,
    private readonly metrics: MetricsService,
    private readonly inserts: FastInsertService,
  ) {
    this.table = inserts.table(AuditEventEntity);
  }

  /**
   * Hooks the audit trail into the HTTP server: open the request's record on arrival (see `classifyRequest`), let
   * every layer stage into it (`common/http/audit-stage.ts`), and write it once before the response leaves.
   */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request) => {
      openAudit(request, classifyRequest(request.method, request.url));
    });
    fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const context = takeAudit(request);
      if (!context) return payload;
      try {
        await this.record(context, request, reply.statusCode);
        return payload;
      } catch (e) {
        this.logger.error(`Audit record could not be written: ${(e as Error).message}`);
        const rendered = renderForSurface(
          surfaceOf(request.url),
          new DomainError(503, 'audit_unavailable', 'The request could not be recorded in the audit trail; try again', {
            oauthError: 'temporarily_unavailable',
            fhirIssue: 'transient',
            headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
          }),
          request.url,
        );
        reply.code(rendered.status).headers(rendered.headers).type(rendered.contentType);
        return JSON.stringify(rendered.body);
      }
    });
  }

  private record(context: StagedAudit, request: FastifyRequest, status: number): Promise<void> {
    const outcome: AuditOutcome =
      context.outcome ??
      (status < 400 ? 'success' : status === 401 || status === 403 || status === 429 ? 'denied' : 'error');
    if (context.category === 'token' && context.action === 'token' && outcome !== 'success')
      this.metrics.tokenRefused(context.reason ?? String(status));
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const row: AuditEventEntity = {
      id: uuidv7(),
      recordedAt: new Date(),
      category: context.category,
      action: context.action.slice(0, 64),
      clientId: context.client_id?.slice(0, 100) ?? null,
      actor: context.actor?.slice(0, 100) ?? null,
      outcome,
      status,
      reason: context.reason?.slice(0, 200) ?? null,
      resourceType: context.resource_type?.slice(0, 64) ?? null,
      resourceId: (context.resource_id ?? params.clientId ?? params.jti ?? null)?.slice(0, 100) ?? null,
      scope: context.scope ?? null,
      ip: (request.ip ?? '').slice(0, 64),
      requestId: String(request.id).slice(0, 64),
    };
    // Rows the request wants committed with its record (an issued token's) share its transaction.
    const staged = context.commitWith as PendingRow[] | undefined;
    return this.inserts.commit(staged ? [this.table.row(row), ...staged] : [this.table.row(row)]);
  }

  /**
   * Records an event that no request answers (a background job finishing), committed before this resolves. Fields as
   * in AuditRecord; `ip` and `request_id` name the server itself.
   */
  recordEvent(event: BackgroundAuditEvent): Promise<void> {
    const row: AuditEventEntity = {
      id: uuidv7(),
      recordedAt: new Date(),
      category: event.category,
      action: event.action.slice(0, 64),
      clientId: event.client_id?.slice(0, 100) ?? null,
      actor: null,
      outcome: event.outcome,
      status: event.status,
      reason: event.reason?.slice(0, 200) ?? null,
      resourceType: event.resource_type?.slice(0, 64) ?? null,
      resourceId: event.resource_id?.slice(0, 100) ?? null,
      scope: event.scope ?? null,
      ip: 'server',
      requestId: (event.request_id ?? 'background').slice(0, 64),
    };
    return this.inserts.commit([this.table.row(row)]);
  }

  async query(q: AuditQuery): Promise<Page<AuditRecord>> {
    const page = q.page ?? 1;
    const limit = q.limit ?? 50;
    const qb = this.repo.createQueryBuilder('a');
    if (q.client_id) qb.andWhere('a.client_id = :clientId', { clientId: q.client_id });
    if (q.outcome) qb.andWhere('a.outcome = :outcome', { outcome: q.outcome });
    if (q.type) {
      if ((AUDIT_CATEGORIES as readonly string[]).includes(q.type))
        qb.andWhere('a.category = :category', { category: q.type });
      else qb.andWhere('a.resource_type = :type', { type: q.type });
    }
    if (q.from) qb.andWhere('a.recorded_at >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('a.recorded_at < :to', { to: new Date(q.to) });
    qb.orderBy('a.recorded_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((page - 1) * limit)
      .take(limit);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toRecord), total };
  }

  /**
   * FHIR search over the audit trail as R4 AuditEvents (IHE BALP), for `/fhir/AuditEvent`: `date`, `agent`,
   * `agent-name`, `outcome`, `type`, `subtype`, `entity`, `entity-type`, `_id` and `_count` (which overrides
   * `page.count`); other parameters are ignored. Newest first; `total` counts every match. `baseUrl` is the FHIR base.
   * Throws a 400 DomainError (`audit_invalid_search`) for an invalid value or an unsupported modifier.
   */
  async searchAuditEvents(
    params: Record<string, string | string[]>,
    page: { count: number; offset: number },
    baseUrl: string,
  ): Promise<{ total: number; resources: Record<string, unknown>[] }> {
    const search = parseAuditEventSearch(params, baseUrl);
    const qb = this.repo.createQueryBuilder('a');
    for (const c of search.conditions) qb.andWhere(c.sql, c.params);
    const count = Math.min(search.count ?? page.count, MAX_AUDIT_EVENT_COUNT);
    const rows =
      count > 0
        ? qb
            .clone()
            .orderBy('a.recorded_at', 'DESC')
            .addOrderBy('a.id', 'DESC')
            .offset(Math.max(0, page.offset))
            .limit(count)
            .getMany()
        : Promise.resolve([]);
    const [total, found] = await Promise.all([qb.getCount(), rows]);
    return { total, resources: found.map((r) => toAuditEvent(toRecord(r), baseUrl)) };
  }
}

function toRecord(r: AuditEventEntity): AuditRecord {
  return {
    id: r.id,
    recorded_at: r.recordedAt.toISOString(),
    category: r.category as AuditRecord['category'],
    action: r.action,
    client_id: r.clientId,
    actor: r.actor,
    outcome: r.outcome as AuditOutcome,
    status: r.status,
    reason: r.reason,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    scope: r.scope,
    ip: r.ip,
    request_id: r.requestId,
  };
}
