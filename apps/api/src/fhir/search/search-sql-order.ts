import { FHIR_TABLES, PAGE_INDEX } from '../store/fhir-tables';
import type { IndexTableKey } from './index-extractor';
import type { SearchCondition } from './search-condition';
import { join, SqlDialect, SqlFragment } from './sql-fragment';

/** The order of a search (R4 search.html#sort) and keyset paging on it: the ORDER BY and the cursor predicate. */

/** A `_sort` key (R4 search.html#sort): a resource column, or a parameter's values in an index table. */
export interface SortSpec {
  source: 'id' | 'lastUpdated' | 'index';
  table?: IndexTableKey;
  param?: string;
  descending: boolean;
}

/** A position in a result order: the sort key values of an entry, and whether the page starts after or ends before it. */
export interface PageCursor {
  direction: 'after' | 'before';
  values: unknown[];
}

export interface PageRequest {
  count: number;
  offset: number;
  sort?: SortSpec[];
  cursor?: PageCursor;
}

/** The column a sort on an index table orders by: the lowest value ascending, the highest descending (search.html#sort). */
const SORT_COLUMN: Record<IndexTableKey, [string, string]> = {
  token: ['token_code', 'token_code'],
  string: ['value_normalized', 'value_normalized'],
  date: ['range_low', 'range_high'],
  reference: ['target_id', 'target_id'],
  quantity: ['range_low', 'range_high'],
  uri: ['uri', 'uri'],
};

export interface OrderKey {
  /** The expression in the inner query (on `r`). */
  expr: SqlFragment;
  /** The name in the outer query. */
  name: string;
  descending: boolean;
  nullable: boolean;
}

/** The full order of a search: the requested keys, then (last_updated, id), which make it total. */
export function orderKeys(type: string, sort: SortSpec[] = []): OrderKey[] {
  const keys: OrderKey[] = [];
  let hasUpdated = false;
  let hasId = false;
  sort.forEach((s, n) => {
    if (s.source === 'lastUpdated') {
      if (hasUpdated) return;
      hasUpdated = true;
      keys.push({ expr: { sql: 'r.last_updated', params: [] }, name: 'lu', descending: s.descending, nullable: false });
    } else if (s.source === 'id') {
      if (hasId) return;
      hasId = true;
      keys.push({ expr: { sql: 'r.id', params: [] }, name: 'id', descending: s.descending, nullable: false });
    } else {
      const column = SORT_COLUMN[s.table!][s.descending ? 1 : 0];
      const fn = s.descending ? 'MAX' : 'MIN';
      keys.push({
        expr: {
          sql: `(SELECT ${fn}(s${n}.${column}) FROM ${FHIR_TABLES[s.table!]} s${n} WHERE s${n}.resource_type = ? AND s${n}.resource_id = r.id AND s${n}.param = ?)`,
          params: [type, s.param],
        },
        name: `k${n}`,
        descending: s.descending,
        nullable: true,
      });
    }
  });
  if (!hasUpdated)
    keys.push({ expr: { sql: 'r.last_updated', params: [] }, name: 'lu', descending: false, nullable: false });
  if (!hasId) keys.push({ expr: { sql: 'r.id', params: [] }, name: 'id', descending: false, nullable: false });
  return keys;
}

/** ORDER BY for the keys, reversed when a page is read backwards (before a cursor). Missing values sort last. */
export function orderBy(keys: OrderKey[], ref: (k: OrderKey) => string, backwards: boolean): string {
  return keys
    .map((k) => {
      const desc = k.descending !== backwards;
      const nulls = k.nullable ? `(${ref(k)} IS NULL) ${backwards ? 'DESC' : 'ASC'}, ` : '';
      return `${nulls}${ref(k)} ${desc ? 'DESC' : 'ASC'}`;
    })
    .join(', ');
}

/** Rows strictly after (or before) the cursor in the order of `keys` (keyset paging; missing values sort last). */
export function keysetPredicate(keys: OrderKey[], ref: (k: OrderKey) => string, cursor: PageCursor): SqlFragment {
  const after = cursor.direction === 'after';
  const build = (i: number): SqlFragment => {
    if (i === keys.length) return { sql: '1 = 0', params: [] };
    const k = keys[i];
    const c = cursor.values[i];
    const col = ref(k);
    const rest = build(i + 1);
    const equal: SqlFragment = c === null ? { sql: `${col} IS NULL`, params: [] } : { sql: `${col} = ?`, params: [c] };
    let beyond: SqlFragment;
    if (after) {
      const op = k.descending ? '<' : '>';
      // Missing values come last: after a missing value there are only missing values.
      beyond =
        c === null
          ? { sql: '1 = 0', params: [] }
          : { sql: k.nullable ? `(${col} IS NULL OR ${col} ${op} ?)` : `${col} ${op} ?`, params: [c] };
    } else {
      const op = k.descending ? '>' : '<';
      beyond = c === null ? { sql: `${col} IS NOT NULL`, params: [] } : { sql: `${col} ${op} ?`, params: [c] };
    }
    if (rest.sql === '1 = 0') return beyond;
    const tie = join('AND', [equal, rest]);
    return beyond.sql === '1 = 0' ? tie : join('OR', [beyond, tie]);
  };
  return build(0);
}

/** SQLite: walk the page index even where statistics (ANALYZE) would tempt the planner into probing every id. */
export function walkInPageOrder(conditions: SearchCondition[], dialect: SqlDialect, keys: OrderKey[]): string {
  const pageOrder = keys.length === 2 && keys[0].name === 'lu' && !keys[0].descending;
  return dialect === 'sqlite' && pageOrder && !conditions.some((c) => c.kind === 'id')
    ? ` INDEXED BY ${PAGE_INDEX}`
    : '';
}
