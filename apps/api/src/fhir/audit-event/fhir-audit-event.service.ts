import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { FhirAccessPolicy } from '../access/fhir-access-policy';
import { TokenAccess, TypeGrant } from '../access/token-access';
import { r4SearchParameters } from '../definitions/r4-definitions';
import type { ReadOnlyType } from '../capability/capability-statement';
import { DomainError } from '../../common/errors/domain-error';
import { fhirErrors } from '../fhir-errors';
import { FhirPreferences } from '../fhir-prefer';
import { AUDIT_EVENT, FHIR_ID } from '../fhir-resource-types';
import { FhirResult } from '../fhir-result';
import { fhirBaseUrl, queryString } from '../fhir-urls';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, QueryValues } from '../search/search-request-parser';

/** The search parameters the audit trail answers (AuditService.searchAuditEvents). */
const AUDIT_EVENT_PARAMS = [
  'date',
  'agent',
  'agent-name',
  'outcome',
  'type',
  'subtype',
  'entity',
  'entity-type',
  '_id',
];
/** Paging and format parameters handled here. */
const RESULT_PARAMS = new Set(['_count', '_offset', '_before', '_format', '_pretty']);

/** AuditEvent's entry in the CapabilityStatement: read and search only, with the parameters served. */
export function auditEventCapability(): ReadOnlyType {
  const definitions = new Map(
    r4SearchParameters()
      .filter((d) => d.base.includes(AUDIT_EVENT) || d.base.includes('Resource'))
      .map((d) => [d.code, d]),
  );
  return {
    type: AUDIT_EVENT,
    searchParam: AUDIT_EVENT_PARAMS.map((name) => ({
      name,
      type: definitions.get(name)?.type ?? 'token',
      ...(definitions.get(name) ? { definition: definitions.get(name)!.url } : {}),
    })),
  };
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw))
    throw fhirErrors.invalidSearch(`${name} must be a whole number, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

/**
 * The audit trail as FHIR AuditEvents (issue 3 §6), read-only: search and read for tokens that may search or read
 * AuditEvent, built by the audit module (IHE Basic Audit Log Patterns). AuditEvents belong to no patient compartment
 * this server can check, so patient-context and `?param=value` grants are refused.
 */
@Injectable()
export class FhirAuditEventService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly audit: AuditService,
    private readonly policy: FhirAccessPolicy,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  private require(access: TokenAccess, permission: 'r' | 's', interaction: string): TypeGrant {
    const grant = access.require(AUDIT_EVENT, permission, interaction);
    if (grant.patientCompartment || this.policy.restricted(AUDIT_EVENT, grant))
      throw new DomainError(
        403,
        'fhir_audit_event_confined',
        'AuditEvents are not available to a patient-context or restricted scope',
        {
          fhirIssue: 'forbidden',
          auditReason: 'audit_event_confined',
        },
      );
    return grant;
  }

  async read(id: string, access: TokenAccess): Promise<FhirResult> {
    this.require(access, 'r', 'read');
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(AUDIT_EVENT, id);
    const { resources } = await this.audit.searchAuditEvents({ _id: id }, { count: 1, offset: 0 }, this.base);
    if (resources.length === 0) throw fhirErrors.notFound(AUDIT_EVENT, id);
    return { status: 200, body: JSON.stringify(resources[0]) };
  }

  /**
   * Newest first, paged by offset. Links carry `_before` (the instant of the first page), so records written while a
   * client pages (each request writes one) never shift the pages it has not read yet.
   */
  async search(query: QueryValues, access: TokenAccess, prefer: FhirPreferences = {}): Promise<FhirResult> {
    this.require(access, 's', 'search');
    const params: Record<string, string | string[]> = {};
    const applied: [string, string][] = [];
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      const code = name.split(':')[0];
      if (RESULT_PARAMS.has(name)) continue;
      if (!AUDIT_EVENT_PARAMS.includes(code)) {
        if (prefer.handling === 'strict') throw fhirErrors.unknownSearchParameter(AUDIT_EVENT, name);
        continue;
      }
      params[name] = value;
      for (const v of Array.isArray(value) ? value : [value]) applied.push([name, v]);
    }
    const pageSize = Math.min(count('_count', single(query._count), DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const offset = count('_offset', single(query._offset), 0);
    const beforeRaw = single(query._before);
    const before =
      beforeRaw && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(beforeRaw)
        ? beforeRaw
        : new Date().toISOString();
    if (beforeRaw && before !== beforeRaw)
      throw fhirErrors.invalidSearch('_before must be an instant this server gave out');
    const dates = params.date === undefined ? [] : Array.isArray(params.date) ? params.date : [params.date];
    if (beforeRaw) params.date = [...dates, `le${before}`];
    const { total, resources } = await this.audit.searchAuditEvents(params, { count: pageSize, offset }, this.base);
    const link = (o: number) =>
      `${this.base}/${AUDIT_EVENT}${queryString([...applied, ['_count', String(pageSize)], ['_before', before], ...(o > 0 ? ([['_offset', String(o)]] as [string, string][]) : [])])}`;
    const links = [{ relation: 'self', url: link(offset) }];
    if (pageSize > 0 && offset + pageSize < total) links.push({ relation: 'next', url: link(offset + pageSize) });
    if (offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - pageSize)) });
    const bundle = {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
      total,
      link: links,
      ...(resources.length
        ? {
            entry: resources.map((r) => ({
              fullUrl: `${this.base}/${AUDIT_EVENT}/${String(r.id)}`,
              resource: r,
              search: { mode: 'match' },
            })),
          }
        : {}),
    };
    return { status: 200, body: JSON.stringify(bundle) };
  }
}
