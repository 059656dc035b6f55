import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { FhirAccessPolicy } from '../access/fhir-access-policy';
import { TokenAccess, TypeGrant } from '../../scopes/token-access';
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
const RESULT_PARAMS = new Set(['_count', '_offset', '_until', '_format', '_pretty']);
/** The instants the audit trail records (ms precision, UTC). */
const INSTANT_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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
   * Newest first. A next link continues from the oldest entry of its page, not from an offset into the whole trail
   * (which grows with every request, this one's too): `_until` names that entry's instant and `_offset` skips the
   * entries of that same millisecond already shown, so records written meanwhile never shift the pages.
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
    const until = single(query._until);
    if (until !== undefined) {
      if (!INSTANT_MS.test(until)) throw fhirErrors.invalidSearch('_until must be an instant this server gave out');
      const dates = params.date === undefined ? [] : Array.isArray(params.date) ? params.date : [params.date];
      params.date = [...dates, `le${until}`];
    }
    const { total, resources } = await this.audit.searchAuditEvents(params, { count: pageSize, offset }, this.base);
    const link = (extra: [string, string][]) =>
      `${this.base}/${AUDIT_EVENT}${queryString([...applied, ['_count', String(pageSize)], ...extra])}`;
    const here: [string, string][] = [
      ...(until ? [['_until', until] as [string, string]] : []),
      ...(offset ? [['_offset', String(offset)] as [string, string]] : []),
    ];
    const links = [{ relation: 'self', url: link(here) }];
    if (until !== undefined || offset > 0) links.push({ relation: 'first', url: link([]) });
    const oldest = resources.length ? String(resources[resources.length - 1].recorded) : undefined;
    if (pageSize > 0 && oldest && INSTANT_MS.test(oldest) && offset + resources.length < total) {
      let skip = resources.filter((r) => r.recorded === oldest).length;
      if (oldest === until) skip += offset;
      links.push({
        relation: 'next',
        url: link([
          ['_until', oldest],
          ['_offset', String(skip)],
        ]),
      });
    }
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
