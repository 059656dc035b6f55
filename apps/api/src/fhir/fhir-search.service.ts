import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FhirAccessPolicy } from './access/fhir-access-policy';
import { TokenAccess } from '../scopes/token-access';
import { fhirErrors } from './fhir-errors';
import { FhirPreferences } from './fhir-prefer';
import { isServedType } from './fhir-resource-types';
import { FhirResult } from './fhir-result';
import { fhirBaseUrl, queryString } from './fhir-urls';
import { subsetResource } from './search/resource-subset';
import { SearchCondition } from './search/search-condition';
import { SearchParameterRegistry } from './search/search-parameter-registry';
import type { IncludeDirective } from './search/search-include';
import { parseSearchRequest, QueryValues, SearchRequest } from './search/search-request-parser';
import { encodeCursor } from './search/search-result-parameters';
import type { PageCursor } from './search/search-sql';
import { ResourceStore, SearchPage } from './store/resource-store';

/** Resources one `_include` or `_revinclude` adds at most (R4 search.html#include lets a server limit them). */
const MAX_INCLUDED = 1000;

interface IncludedEntry {
  type: string;
  id: string;
  content: string;
}

interface Included {
  entries: IncludedEntry[];
  /** Types left out because the token may not read them, decided from the request alone (never from the data). */
  omitted: Set<string>;
}

/**
 * FHIR search (R4 search.html) on one type: the conditions of the query plus those confining the type to what the
 * token may see, paged by cursor, with `_include` / `_revinclude` whose every entry is checked against the token the
 * same way. A search that crosses another type (chain, `_has`) needs the search permission on that type too.
 */
@Injectable()
export class FhirSearchService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: ResourceStore,
    private readonly registry: SearchParameterRegistry,
    private readonly policy: FhirAccessPolicy,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  /** Parses a search on `type` for this token: every type it crosses must be searchable and is confined likewise. */
  parse(type: string, query: QueryValues, access: TokenAccess, strict: boolean): SearchRequest {
    return parseSearchRequest(type, query, this.registry, {
      strict,
      fhirBase: this.base,
      cross: (crossed) => {
        if (!isServedType(crossed)) throw fhirErrors.unsupportedType(crossed);
        const grant = access.require(crossed, 's', 'search');
        return this.policy.conditions(crossed, grant);
      },
      mayCross: (crossed) => isServedType(crossed) && access.grant(crossed, 's') !== null,
    });
  }

  /**
   * The parameters of `POST [type]/_search` (R4 http.html#search): the URL's and the form body's together; the body
   * must be application/x-www-form-urlencoded (415 otherwise).
   */
  formParameters(contentType: string | undefined, query: QueryValues, form: unknown): QueryValues {
    const media = contentType?.split(';')[0].trim().toLowerCase();
    if (media === undefined && (form === undefined || form === null)) return query;
    if (media !== 'application/x-www-form-urlencoded')
      throw fhirErrors.unsupportedMediaType(contentType, 'application/x-www-form-urlencoded');
    const out: Record<string, string | string[]> = {};
    const add = (k: string, v: unknown) => {
      const vals = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      if (vals.length === 0) return;
      const prev = out[k];
      out[k] =
        prev === undefined ? (vals.length === 1 ? vals[0] : vals) : [...(Array.isArray(prev) ? prev : [prev]), ...vals];
    };
    for (const [k, v] of Object.entries(query)) add(k, v);
    if (typeof form === 'object' && form !== null) for (const [k, v] of Object.entries(form)) add(k, v);
    return out;
  }

  /** R4 search.html: a searchset Bundle of one page, with total and self/first/next/previous links. */
  async search(
    type: string,
    query: QueryValues,
    access: TokenAccess,
    prefer: FhirPreferences = {},
  ): Promise<FhirResult> {
    if (!isServedType(type)) throw fhirErrors.unsupportedType(type);
    const grant = access.require(type, 's', 'search');
    const request = this.parse(type, query, access, prefer.handling === 'strict');
    const conditions: SearchCondition[] = [...request.conditions, ...this.policy.conditions(type, grant)];
    const countOnly = request.summary === 'count';
    const page = await this.store.search(type, conditions, {
      count: countOnly ? 0 : request.count,
      offset: request.offset,
      sort: request.sort,
      cursor: request.cursor,
      total: countOnly || request.total !== 'none',
    });
    const included = countOnly
      ? { entries: [], omitted: new Set<string>() }
      : await this.includes(type, page, request.include, access);
    return { status: 200, body: this.bundle(type, request, page, included) };
  }

  /**
   * `_include` and `_revinclude` (R4 search.html#include), then their `:iterate` forms once over everything found so
   * far. Each included resource is fetched as a search on its type under the token's own conditions for that type.
   */
  private async includes(
    type: string,
    page: SearchPage,
    directives: IncludeDirective[],
    access: TokenAccess,
  ): Promise<Included> {
    const result: Included = { entries: [], omitted: new Set() };
    if (directives.length === 0 || page.entries.length === 0) return result;
    const seen = new Set(page.entries.map((e) => `${type}/${e.id}`));
    const pool = new Map<string, string[]>([[type, page.entries.map((e) => e.id)]]);
    const add = (entries: IncludedEntry[]) => {
      for (const e of entries) {
        const key = `${e.type}/${e.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.entries.push(e);
        const ids = pool.get(e.type);
        if (ids) ids.push(e.id);
        else pool.set(e.type, [e.id]);
      }
    };
    for (const d of directives.filter((x) => !x.iterate)) add(await this.include(d, pool, access, result.omitted));
    const iterate = directives.filter((x) => x.iterate);
    if (iterate.length) {
      const snapshot = new Map([...pool].map(([t, ids]) => [t, [...ids]]));
      for (const d of iterate) add(await this.include(d, snapshot, access, result.omitted));
    }
    return result;
  }

  private async include(
    d: IncludeDirective,
    pool: ReadonlyMap<string, string[]>,
    access: TokenAccess,
    omitted: Set<string>,
  ): Promise<IncludedEntry[]> {
    const param = this.registry.get(d.sourceType, d.param);
    if (!param) return [];
    const out: IncludedEntry[] = [];
    if (!d.reverse) {
      const possible = (d.targetType ? [d.targetType] : param.targets).filter(isServedType);
      for (const t of possible) if (!access.permit(t, 'r', '_include')) omitted.add(t);
      const sources = pool.get(d.sourceType) ?? [];
      if (sources.length === 0) return out;
      const byType = new Map<string, string[]>();
      for (const ref of await this.store.referencesFrom(d.sourceType, sources, [d.param])) {
        if (d.targetType && ref.targetType !== d.targetType) continue;
        const ids = byType.get(ref.targetType);
        if (ids) ids.push(ref.targetId);
        else byType.set(ref.targetType, [ref.targetId]);
      }
      for (const [t, ids] of byType) out.push(...(await this.fetch(t, [{ kind: 'id', ids }], access)));
      return out;
    }
    if (!access.permit(d.sourceType, 'r', '_revinclude')) {
      omitted.add(d.sourceType);
      return out;
    }
    const values = [...pool]
      .filter(
        ([t]) => (!d.targetType || t === d.targetType) && (param.targets.length === 0 || param.targets.includes(t)),
      )
      .flatMap(([t, ids]) => ids.map((id) => ({ type: t, id })));
    if (values.length === 0) return out;
    return this.fetch(d.sourceType, [{ kind: 'reference', params: [d.param], values }], access);
  }

  /** Resources of `type` meeting `conditions` and everything the token's grant to read that type requires. */
  private async fetch(type: string, conditions: SearchCondition[], access: TokenAccess): Promise<IncludedEntry[]> {
    if (!isServedType(type)) return [];
    const grant = access.grant(type, 'r');
    if (!grant) return [];
    const page = await this.store.search(type, [...conditions, ...this.policy.conditions(type, grant)], {
      count: MAX_INCLUDED,
      offset: 0,
      total: false,
    });
    return page.entries.map((e) => ({ type, id: e.id, content: e.content }));
  }

  private link(type: string, request: SearchRequest, cursor?: PageCursor): string {
    const params: [string, string][] = [...request.applied, ['_count', String(request.count)]];
    if (cursor) params.push(['_cursor', encodeCursor(cursor)]);
    return `${this.base}/${type}${queryString(params)}`;
  }

  /** Paging links (R4 http.html#paging): cursors on the first and last entries keep pages stable under writes. */
  private links(type: string, request: SearchRequest, page: SearchPage): { relation: string; url: string }[] {
    const self = request.cursor
      ? this.link(type, request, request.cursor)
      : this.link(type, request) + (request.offset ? `&_offset=${request.offset}` : '');
    const links = [{ relation: 'self', url: self }];
    if (request.summary === 'count' || request.count === 0) return links;
    const first = page.entries[0];
    const last = page.entries[page.entries.length - 1];
    const backwards = request.cursor?.direction === 'before';
    const notFirst = request.cursor !== undefined || request.offset > 0;
    if (notFirst) links.push({ relation: 'first', url: this.link(type, request) });
    if (last && (backwards || page.more))
      links.push({ relation: 'next', url: this.link(type, request, { direction: 'after', values: last.key }) });
    if (first && (backwards ? page.more : notFirst))
      links.push({ relation: 'previous', url: this.link(type, request, { direction: 'before', values: first.key }) });
    else if (!first && request.cursor?.direction === 'after')
      links.push({
        relation: 'previous',
        url: this.link(type, request, { direction: 'before', values: request.cursor.values }),
      });
    return links;
  }

  private bundle(type: string, request: SearchRequest, page: SearchPage, included: Included): string {
    const head: Record<string, unknown> = {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
    };
    if (page.total !== undefined) head.total = page.total;
    head.link = this.links(type, request, page);
    const headJson = JSON.stringify(head);
    const shaping = { summary: request.summary, elements: request.elements };
    // The stored JSON is spliced in as is (unless _summary/_elements cut it): no parse and re-serialise per entry.
    const items = page.entries.map(
      (e) =>
        `{"fullUrl":${JSON.stringify(`${this.base}/${type}/${e.id}`)},"resource":${subsetResource(type, e.content, shaping)},"search":{"mode":"match"}}`,
    );
    for (const e of included.entries)
      items.push(
        `{"fullUrl":${JSON.stringify(`${this.base}/${e.type}/${e.id}`)},"resource":${e.content},"search":{"mode":"include"}}`,
      );
    if (included.omitted.size || request.ignored.length) {
      // R4 search.html#errors: parameters ignored under lenient handling are reported in the searchset.
      const ignored = [...new Set(request.ignored)].map((p) => {
        const [paramType, name] = [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)];
        return {
          severity: 'warning',
          code: 'not-supported',
          diagnostics: `Search parameter "${name.slice(0, 100)}" is not supported for ${paramType}, and was ignored`,
        };
      });
      const outcome = {
        resourceType: 'OperationOutcome',
        issue: [
          ...ignored,
          ...[...included.omitted].sort().map((t) => ({
            severity: 'warning',
            code: 'suppressed',
            diagnostics: `Included ${t} resources are left out: the access token may not read ${t}`,
          })),
        ],
      };
      items.push(JSON.stringify({ resource: outcome, search: { mode: 'outcome' } }));
    }
    if (items.length === 0) return headJson;
    return `${headJson.slice(0, -1)},"entry":[${items.join(',')}]}`;
  }
}
