import type { FastifyRequest } from 'fastify';
import type { AuditCategory, AuditOutcome } from '@ccri/contracts';

/** What the audit trail records for a request; every layer stages its part with `stageAudit` as the request goes. */
export interface AuditContext {
  category: AuditCategory;
  action: string;
  client_id?: string | null;
  actor?: string | null;
  resource_type?: string | null;
  resource_id?: string | null;
  scope?: string | null;
  reason?: string | null;
  /** Set when the status alone does not tell (e.g. `invalid_scope` is a 400 but a denial). */
  outcome?: AuditOutcome;
}

/**
 * The staged record of one request: its fields, and the rows to commit in the same transaction before the response
 * leaves (an issued token's record: one commit instead of two, and never one row without the other). The rows are
 * the database's pending inserts; only the audit trail, which writes them, knows their type.
 */
export interface StagedAudit extends AuditContext {
  commitWith?: unknown[];
}

/** The fields a layer may stage into a request's record. */
export type AuditFields = Partial<AuditContext>;

/** A request as the staging API sees it (a layer below HTTP, such as the token issuer, is handed one). */
export type AuditedRequest = Pick<FastifyRequest, 'audit'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The staged audit record; written through the functions of this file only, read by the AuditService. */
    audit?: StagedAudit;
  }
}

/*
 * The audit staging API. A request is audited once a record is open (the AuditService opens one on arrival for the
 * requests the trail records; an authorization step opens its own); guards, controllers, services and error filters
 * stage their fields into it, and the AuditService writes it once, before the response leaves. Staging into a request
 * that is not audited does nothing.
 */

/** Starts (or starts over) the request's record; `null` leaves the request unaudited. */
export function openAudit(request: AuditedRequest, record: AuditContext | null): void {
  request.audit = record ?? undefined;
}

/** Stages `fields` into the request's record, replacing what was staged for them. */
export function stageAudit(request: AuditedRequest, fields: AuditFields): void {
  const audit = request.audit;
  if (audit) Object.assign(audit, fields);
}

/** Stages each of `fields` that nothing has staged yet (null counts as not staged): an error's reason, say. */
export function stageAuditDefaults(request: AuditedRequest, fields: AuditFields): void {
  const audit = request.audit as Record<string, unknown> | undefined;
  if (!audit) return;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) audit[key] ??= value;
}

/** Stages a row to commit in the same transaction as the record; false when the request is not audited. */
export function stageAuditRow(request: AuditedRequest, row: unknown): boolean {
  const audit = request.audit;
  if (!audit) return false;
  (audit.commitWith ??= []).push(row);
  return true;
}

/** Takes the request's staged record for writing (once: the request is unaudited afterwards). */
export function takeAudit(request: AuditedRequest): StagedAudit | undefined {
  const audit = request.audit;
  request.audit = undefined;
  return audit;
}
