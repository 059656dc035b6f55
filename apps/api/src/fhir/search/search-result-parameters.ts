import { fhirErrors } from '../fhir-errors';
import { TABLE_OF_TYPE } from './search-parameter-parser';
import type { SearchParameterRegistry } from './search-parameter-registry';
import type { PageCursor, SortSpec } from './search-sql-order';
import { searchValues } from '../../common/fhir-search/search-syntax';

/** The result parameters of a search (R4 search.html#return): `_count`, `_sort`, `_cursor`, `_summary`, `_total`. */

/** `_summary` (R4 search.html#summary). */
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

/** `_total` (R4 search.html#total). */
export type TotalMode = 'none' | 'estimate' | 'accurate';

export function parseCount(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw fhirErrors.invalidSearch(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw fhirErrors.invalidSearch(`${name} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

/** `_cursor=a<base64url JSON>` / `b…`: the position a paging link continues from (this server's own links). */
export function encodeCursor(cursor: PageCursor): string {
  return (cursor.direction === 'after' ? 'a' : 'b') + Buffer.from(JSON.stringify(cursor.values)).toString('base64url');
}

export function decodeCursor(raw: string, keys: number): PageCursor {
  const invalid = () => fhirErrors.invalidSearch('_cursor is not a paging position this server gave out');
  const direction = raw[0] === 'a' ? 'after' : raw[0] === 'b' ? 'before' : null;
  if (!direction || raw.length > 4096 || !/^[A-Za-z0-9_-]*$/.test(raw.slice(1))) throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(raw.slice(1), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(values) ||
    values.length !== keys ||
    !values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  )
    throw invalid();
  return { direction, values };
}

/** How many order keys a sort has once (last_updated, id) complete it; see orderKeys in search-sql.ts. */
export function sortKeyCount(sort: SortSpec[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const s of sort) {
    if (s.source !== 'index') {
      if (seen.has(s.source)) continue;
      seen.add(s.source);
    }
    n++;
  }
  return n + (seen.has('lastUpdated') ? 0 : 1) + (seen.has('id') ? 0 : 1);
}

/** `_sort=a,-b` (R4 search.html#sort): parameters of the type, `-` for descending. */
export function parseSort(type: string, raw: string, registry: SearchParameterRegistry, strict: boolean): SortSpec[] {
  const out: SortSpec[] = [];
  for (const item of searchValues(raw)) {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    const param = registry.get(type, code);
    if (!param) {
      if (strict) throw fhirErrors.unknownSearchParameter(type, `_sort=${code}`);
      continue;
    }
    // R4 search.html#sort names no order for a composite's values.
    if (param.type === 'composite') throw fhirErrors.invalidSearch(`_sort by composite parameter "${code}"`);
    out.push(
      param.source === 'index'
        ? { source: 'index', table: TABLE_OF_TYPE[param.type], param: param.code, descending }
        : { source: param.source, descending },
    );
  }
  return out;
}
