import type { FastifyRequest } from 'fastify';
import type { Params } from './authorization-request';
import type { AuditSink, StepAudit } from './authorize.service';
import { openAudit } from '../../common/http/audit-stage';

/** The fields of a posted page form (an empty set for anything that is not a form object). */
export function formOf(request: FastifyRequest): Params {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Params) : {};
}

/** Each step is one audit record (category `token`), filled in here because the URL alone does not tell the step. */
export function auditInto(request: FastifyRequest): AuditSink {
  return (record: StepAudit) => {
    openAudit(request, {
      category: 'token',
      action: record.action,
      outcome: record.outcome,
      actor: record.actor ?? null,
      client_id: record.client_id ?? null,
      reason: record.reason ?? null,
      scope: record.scope ?? null,
    });
  };
}
