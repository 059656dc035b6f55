import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FhirAccessPolicy } from './access/fhir-access-policy';
import { TokenAccess, TypeGrant } from '../scopes/token-access';
import { fhirErrors } from './fhir-errors';
import { FHIR_ID, FhirResource, isServedType, SERVED_RESOURCE_TYPES } from './fhir-resource-types';
import { etag, FhirResult } from './fhir-result';
import { fhirBaseUrl, queryString } from './fhir-urls';
import { parseDateRange } from '../common/fhir-search/fhir-date';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, QueryValues } from './search/search-request-parser';
import { HistoryKey, HistoryQuery, HistoryVersion, ResourceStore } from './store/resource-store';

/** Batches read at most per page when versions the token may not see have to be skipped. */
const MAX_SCANS = 10;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface HistoryRequest {
  count: number;
  since?: string;
  after?: HistoryKey;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `_count`, `_since` (an instant, R4 http.html#history) and this server's `_cursor`. */
function parseHistoryRequest(query: QueryValues): HistoryRequest {
  const out: HistoryRequest = { count: DEFAULT_PAGE_SIZE };
  const count = single(query._count);
  if (count !== undefined && count !== '') {
    if (!/^\d{1,9}$/.test(count)) throw fhirErrors.invalidSearch(`_count must be a whole number, got "${count}"`);
    out.count = Math.min(Number(count), MAX_PAGE_SIZE);
  }
  const since = single(query._since);
  if (since !== undefined && since !== '') {
    const range = INSTANT.test(since) ? parseDateRange(since) : null;
    if (!range)
      throw fhirErrors.invalidSearch(`_since must be an instant such as 2024-01-01T00:00:00Z, got "${since}"`);
    out.since = new Date(range.low).toISOString();
  }
  const cursor = single(query._cursor);
  if (cursor) {
    const invalid = fhirErrors.invalidSearch('_cursor is not a paging position this server gave out');
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid;
    }
    if (
      !Array.isArray(key) ||
      key.length !== 4 ||
      typeof key[0] !== 'string' ||
      typeof key[1] !== 'string' ||
      typeof key[2] !== 'string' ||
      !Number.isInteger(key[3])
    )
      throw invalid;
    out.after = { lastUpdated: key[0], type: key[1], id: key[2], versionId: key[3] as number };
  }
  return out;
}

/**
 * The history interactions (R4 http.html#history): instance, type and system, newest first, paged by cursor. Every
 * version is checked against the token: its type's grant, and the patient compartment on the version's own content.
 */
@Injectable()
export class FhirHistoryService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: ResourceStore,
    private readonly policy: FhirAccessPolicy,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  async instance(type: string, id: string, query: QueryValues, access: TokenAccess): Promise<FhirResult> {
    if (!isServedType(type)) throw fhirErrors.unsupportedType(type);
    const grant = access.require(type, 'r', 'history-instance');
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    this.assertUnrestricted(type, grant);
    const request = parseHistoryRequest(query);
    const current = await this.store.read(type, id);
    if (!current) throw fhirErrors.notFound(type, id);
    const grants = new Map([[type, grant]]);
    const page = await this.page(
      { type, id, since: request.since, count: request.count, after: request.after },
      grants,
    );
    // A resource none of whose versions the token may see is answered like an unknown one.
    if (page.versions.length === 0 && !request.after && !request.since && !(await this.anyVisible(type, id, grant)))
      throw fhirErrors.notFound(type, id);
    return this.bundle(
      `${type}/${id}`,
      request,
      page,
      grant.patientCompartment ? undefined : await this.total({ type, id, since: request.since }),
    );
  }

  async type(type: string, query: QueryValues, access: TokenAccess): Promise<FhirResult> {
    if (!isServedType(type)) throw fhirErrors.unsupportedType(type);
    const grant = access.require(type, 's', 'history-type');
    this.assertUnrestricted(type, grant);
    const request = parseHistoryRequest(query);
    const page = await this.page(
      { type, since: request.since, count: request.count, after: request.after },
      new Map([[type, grant]]),
    );
    // Bundle.total is optional in a history (R4 bundle.html): counting every version of a type costs more than a page.
    return this.bundle(type, request, page, undefined);
  }

  /** System history: the types the token may search; types under `?param=value` restrictions are left out. */
  async system(query: QueryValues, access: TokenAccess): Promise<FhirResult> {
    const request = parseHistoryRequest(query);
    const grants = new Map<string, TypeGrant>();
    for (const t of SERVED_RESOURCE_TYPES) {
      const g = access.grant(t, 's');
      if (g && !this.policy.restricted(t, g)) grants.set(t, g);
    }
    const types = grants.size === SERVED_RESOURCE_TYPES.length ? undefined : [...grants.keys()];
    const page = await this.page({ types, since: request.since, count: request.count, after: request.after }, grants);
    return this.bundle('', request, page, undefined);
  }

  private assertUnrestricted(type: string, grant: TypeGrant): void {
    // Old versions have no index rows to test a `?param=value` query on: refuse rather than guess.
    if (this.policy.restricted(type, grant)) throw fhirErrors.restrictedHistory(type);
  }

  private async total(query: Omit<HistoryQuery, 'count'>): Promise<number> {
    return this.store.historyCount({ ...query, count: 0 });
  }

  private async anyVisible(type: string, id: string, grant: TypeGrant): Promise<boolean> {
    if (!grant.patientCompartment) return true;
    const all = await this.store.history({ type, id, count: 1000 });
    return all.some((v) => this.visible(v, grant));
  }

  private visible(v: HistoryVersion, grant: TypeGrant | undefined): boolean {
    if (!grant) return false;
    if (!grant.patientCompartment) return true;
    // A deletion carries no content; it is shown when the version it ended was visible (checked by the caller).
    if (!v.content) return true;
    return this.policy.contentInCompartment(v.type, JSON.parse(v.content) as FhirResource, grant);
  }

  /** One page of visible versions; skips invisible ones, reading a bounded number of batches. */
  private async page(
    query: HistoryQuery,
    grants: ReadonlyMap<string, TypeGrant>,
  ): Promise<{ versions: HistoryVersion[]; next?: HistoryKey }> {
    const versions: HistoryVersion[] = [];
    let after = query.after;
    if (query.count === 0) return { versions };
    for (let scan = 0; scan < MAX_SCANS; scan++) {
      const batch = await this.store.history({ ...query, after, count: query.count });
      const more = batch.length > query.count;
      const rows = batch.slice(0, query.count);
      let lastScanned: HistoryVersion | undefined;
      for (const v of rows) {
        const grant = grants.get(v.type);
        let ok = this.visible(v, grant);
        if (ok && v.deleted && grant?.patientCompartment) {
          const before = await this.store.vread(v.type, v.id, v.versionId - 1);
          ok = !!before?.content && this.visible({ ...before, type: v.type }, grant);
        }
        if (ok) versions.push(v);
        lastScanned = v;
        if (versions.length === query.count) {
          const key = { lastUpdated: v.lastUpdated, type: v.type, id: v.id, versionId: v.versionId };
          return { versions, next: more || v !== rows[rows.length - 1] ? key : undefined };
        }
      }
      if (!more) return { versions };
      const last = lastScanned!;
      after = { lastUpdated: last.lastUpdated, type: last.type, id: last.id, versionId: last.versionId };
    }
    return { versions, next: after };
  }

  /** A history Bundle (R4 bundle.html, type history): each entry with its request and response. */
  private bundle(
    path: string,
    request: HistoryRequest,
    page: { versions: HistoryVersion[]; next?: HistoryKey },
    total: number | undefined,
  ): FhirResult {
    const url = (after?: HistoryKey) => {
      const params: [string, string][] = [];
      if (request.since) params.push(['_since', request.since]);
      params.push(['_count', String(request.count)]);
      if (after)
        params.push([
          '_cursor',
          Buffer.from(JSON.stringify([after.lastUpdated, after.type, after.id, after.versionId])).toString('base64url'),
        ]);
      return `${this.base}${path ? `/${path}` : ''}/_history${queryString(params)}`;
    };
    const link = [{ relation: 'self', url: url(request.after) }];
    if (page.next) link.push({ relation: 'next', url: url(page.next) });
    const head: Record<string, unknown> = {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'history',
    };
    if (total !== undefined) head.total = total;
    head.link = link;
    const headJson = JSON.stringify(head);
    if (page.versions.length === 0) return { status: 200, body: headJson };
    const items = page.versions.map((v) => {
      const fullUrl = JSON.stringify(`${this.base}/${v.type}/${v.id}`);
      const method = v.deleted ? 'DELETE' : v.versionId === 1 ? 'POST' : 'PUT';
      const requestUrl = method === 'POST' ? v.type : `${v.type}/${v.id}`;
      const status = v.deleted ? '204 No Content' : v.versionId === 1 ? '201 Created' : '200 OK';
      const tail = `"request":${JSON.stringify({ method, url: requestUrl })},"response":${JSON.stringify({
        status,
        etag: etag(v.versionId),
        lastModified: v.lastUpdated,
      })}}`;
      return v.content ? `{"fullUrl":${fullUrl},"resource":${v.content},${tail}` : `{"fullUrl":${fullUrl},${tail}`;
    });
    return { status: 200, body: `${headJson.slice(0, -1)},"entry":[${items.join(',')}]}` };
  }
}
