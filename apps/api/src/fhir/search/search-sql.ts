import { FHIR_TABLES, PAGE_INDEX } from '../store/fhir-tables';
import { approximateRange, DateSearchValue } from './fhir-date';
import type { IndexTableKey } from './index-extractor';
import { ComponentCondition, NumberSearchValue, SearchCondition, TokenValue } from './search-condition';
import { normalizeSearchString, truncateForIndex } from './string-normalize';

export type SqlDialect = 'sqlite' | 'mysql';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** `LIKE … ESCAPE '!'`: '!' because SQLite and MySQL disagree on what a backslash in a string literal means. */
function likeEscape(value: string): string {
  return value.replace(/[!%_]/g, (c) => '!' + c);
}

/**
 * Equality that is exact on both engines: SQLite compares bytes already; MySQL's `_ci` collations would fold case and
 * accents, so the indexed comparison is followed by a byte comparison.
 */
function exactEquals(column: string, value: string, dialect: SqlDialect): SqlFragment {
  return dialect === 'mysql'
    ? { sql: `(${column} = ? AND CAST(${column} AS BINARY) = CAST(? AS BINARY))`, params: [value, value] }
    : { sql: `${column} = ?`, params: [value] };
}

/** `column` starts with `prefix`, as an index range scan on both engines (case-folding on MySQL unless `exact`). */
function startsWith(column: string, prefix: string, dialect: SqlDialect, exact = false): SqlFragment {
  if (dialect === 'mysql') {
    const like = likeEscape(prefix) + '%';
    return exact
      ? {
          sql: `(${column} LIKE ? ESCAPE '!' AND CAST(${column} AS BINARY) LIKE CAST(? AS BINARY) ESCAPE '!')`,
          params: [like, like],
        }
      : { sql: `${column} LIKE ? ESCAPE '!'`, params: [like] };
  }
  // SQLite only turns LIKE into a range with a NOCASE column; an explicit range works on its BINARY index.
  return { sql: `(${column} >= ? AND ${column} < ?)`, params: [prefix, prefix + '\u{10FFFF}'] };
}

function join(op: 'AND' | 'OR', parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: op === 'AND' ? '1 = 1' : '1 = 0', params: [] };
  if (parts.length === 1) return parts[0];
  return { sql: '(' + parts.map((p) => p.sql).join(` ${op} `) + ')', params: parts.flatMap((p) => p.params) };
}

/**
 * A prefixed date comparison on a target range [low, high] (FHIR R4 search.html#prefix). `toParam` turns epoch
 * milliseconds into what the columns hold. Kept in step with `dateMatches` in fhir-date.ts.
 */
function datePredicate(low: string, high: string, d: DateSearchValue, toParam: (ms: number) => unknown): SqlFragment {
  const s = d.range;
  const sLow = toParam(s.low);
  const sHigh = toParam(s.high);
  // Where a prefix implies a bound on one column (low <= high always holds), the bound is stated too, so the
  // optimiser gets a closed range on the (param, low) or (param, high) index instead of half the table.
  switch (d.prefix) {
    case 'eq':
      return { sql: `(${low} >= ? AND ${low} <= ? AND ${high} <= ?)`, params: [sLow, sHigh, sHigh] };
    case 'ne':
      return { sql: `(${low} < ? OR ${high} > ?)`, params: [sLow, sHigh] };
    case 'gt':
      return { sql: `${high} > ?`, params: [sHigh] };
    case 'lt':
      return { sql: `${low} < ?`, params: [sLow] };
    case 'ge':
      return { sql: `(${high} >= ? AND (${high} > ? OR ${low} >= ?))`, params: [sLow, sHigh, sLow] };
    case 'le':
      return { sql: `(${low} <= ? AND (${low} < ? OR ${high} <= ?))`, params: [sHigh, sLow, sHigh] };
    case 'sa':
      return { sql: `${low} > ?`, params: [sHigh] };
    case 'eb':
      return { sql: `${high} < ?`, params: [sLow] };
    case 'ap': {
      const w = approximateRange(s);
      return { sql: `(${low} <= ? AND ${high} >= ?)`, params: [toParam(w.high), toParam(w.low)] };
    }
  }
}

/**
 * A prefixed number comparison on a target range [low, high] (R4 search.html#number): `eq` and `ne` use the range the
 * search value's precision implies, the order prefixes the value itself, `ap` a 10% margin.
 */
function numberPredicate(low: string, high: string, n: NumberSearchValue): SqlFragment {
  switch (n.prefix) {
    case 'eq':
      return { sql: `(${low} >= ? AND ${low} < ? AND ${high} < ?)`, params: [n.low, n.high, n.high] };
    case 'ne':
      return { sql: `(${low} < ? OR ${high} >= ?)`, params: [n.low, n.high] };
    case 'gt':
      return { sql: `${high} > ?`, params: [n.value] };
    case 'lt':
      return { sql: `${low} < ?`, params: [n.value] };
    case 'ge':
      return { sql: `${high} >= ?`, params: [n.value] };
    case 'le':
      return { sql: `${low} <= ?`, params: [n.value] };
    case 'sa':
      return { sql: `${low} > ?`, params: [n.value] };
    case 'eb':
      return { sql: `${high} < ?`, params: [n.value] };
    case 'ap': {
      const margin = Math.max(Math.abs(n.value) * 0.1, (n.high - n.low) / 2);
      return { sql: `(${low} <= ? AND ${high} >= ?)`, params: [n.value + margin, n.value - margin] };
    }
  }
}

function tokenPredicate(a: string, v: TokenValue, dialect: SqlDialect): SqlFragment {
  const parts: SqlFragment[] = [];
  if (v.system !== undefined)
    parts.push(
      v.system === ''
        ? { sql: `${a}.token_system = ''`, params: [] }
        : exactEquals(`${a}.token_system`, truncateForIndex(v.system), dialect),
    );
  if (v.code !== undefined) parts.push(exactEquals(`${a}.token_code`, truncateForIndex(v.code), dialect));
  return join('AND', parts);
}

/** `http://a/b/c` is below `http://a/b` and `http://a`: the candidates `:above` compares with (R4 search.html#uri). */
export function uriAncestors(uri: string): string[] {
  const out = [uri];
  for (let i = uri.length - 1; i > 0; i--) {
    if (uri[i] === '/' && uri[i - 1] !== '/' && uri[i - 1] !== ':') out.push(uri.slice(0, i));
  }
  return out;
}

/** Table aliases per nesting depth: chains and `_has` nest id sets inside each other. */
const resourceAlias = (depth: number) => (depth === 0 ? 'r' : `r${depth}`);
const indexAlias = (depth: number) => (depth === 0 ? 'i' : `i${depth}`);

/**
 * A set of resource ids read from one index table: `id_column` of the rows meeting `where`. Index rows exist only for
 * live current versions, so these ids need no `deleted` check.
 */
interface IdSelect {
  table: string;
  alias: string;
  idColumn: 'resource_id' | 'target_id';
  where: SqlFragment;
}

function inForm(s: IdSelect): SqlFragment {
  return {
    sql: `SELECT ${s.alias}.${s.idColumn} AS resource_id FROM ${s.table} ${s.alias} WHERE ${s.where.sql}`,
    params: s.where.params,
  };
}

function existsForm(s: IdSelect, resource: string): SqlFragment {
  return {
    sql: `EXISTS (SELECT 1 FROM ${s.table} ${s.alias} WHERE ${s.alias}.${s.idColumn} = ${resource}.id AND ${s.where.sql})`,
    params: s.where.params,
  };
}

const TABLE: Record<IndexTableKey, string> = FHIR_TABLES;

interface Ctx {
  dialect: SqlDialect;
  depth: number;
}

/** The rows of `table` for this type and parameters, further filtered by `where` (written against alias `a`). */
function rowsOf(
  table: IndexTableKey,
  type: string,
  params: string[],
  ctx: Ctx,
  where: (a: string) => SqlFragment,
): IdSelect {
  const a = indexAlias(ctx.depth);
  const paramSql = params.length === 1 ? `${a}.param = ?` : `${a}.param IN (${params.map(() => '?').join(', ')})`;
  const w = where(a);
  return {
    table: TABLE[table],
    alias: a,
    idColumn: 'resource_id',
    where: { sql: `${a}.resource_type = ? AND ${paramSql} AND ${w.sql}`, params: [type, ...params, ...w.params] },
  };
}

/** The index table of each leaf condition kind. */
const LEAF_TABLE: Record<ComponentCondition['kind'], IndexTableKey> = {
  token: 'token',
  string: 'string',
  date: 'date',
  number: 'quantity',
  uri: 'uri',
  reference: 'reference',
};

/** What the rows (aliased `a`) of a leaf condition's table must hold for one of its values to match. */
function leafWhere(cond: ComponentCondition, a: string, dialect: SqlDialect): SqlFragment {
  switch (cond.kind) {
    case 'token':
      return join(
        'OR',
        cond.values.map((v) => tokenPredicate(a, v, dialect)),
      );
    case 'string':
      return join(
        'OR',
        cond.values.map((v): SqlFragment => {
          switch (cond.modifier) {
            case 'default':
              return startsWith(`${a}.value_normalized`, truncateForIndex(v), dialect);
            case 'contains':
              return { sql: `${a}.value_normalized LIKE ? ESCAPE '!'`, params: ['%' + likeEscape(v) + '%'] };
            case 'exact':
              // The normalised column narrows by index; the original text then decides.
              return join('AND', [
                { sql: `${a}.value_normalized = ?`, params: [truncateForIndex(normalizeSearchString(v))] },
                exactEquals(`${a}.value_exact`, truncateForIndex(v), dialect),
              ]);
          }
        }),
      );
    case 'date':
      return join(
        'OR',
        cond.values.map((d) => datePredicate(`${a}.range_low`, `${a}.range_high`, d, (ms) => ms)),
      );
    case 'number':
      return join(
        'OR',
        cond.values.map((n) => {
          const parts = [numberPredicate(`${a}.range_low`, `${a}.range_high`, n)];
          if (n.system !== undefined) parts.push(exactEquals(`${a}.unit_system`, truncateForIndex(n.system), dialect));
          if (n.code !== undefined) parts.push(exactEquals(`${a}.unit_code`, truncateForIndex(n.code), dialect));
          return join('AND', parts);
        }),
      );
    case 'uri':
      return join(
        'OR',
        cond.values.map((v) => {
          const value = truncateForIndex(v);
          // :below works on path segments: http://a/b is below http://a, http://ab is not.
          if (cond.modifier === 'below')
            return join('OR', [
              exactEquals(`${a}.uri`, value, dialect),
              startsWith(`${a}.uri`, value.endsWith('/') ? value : `${value}/`, dialect, true),
            ]);
          if (cond.modifier === 'above')
            return join(
              'OR',
              uriAncestors(value).map((u) => exactEquals(`${a}.uri`, u, dialect)),
            );
          return exactEquals(`${a}.uri`, value, dialect);
        }),
      );
    case 'reference':
      return join(
        'OR',
        cond.values.map((v): SqlFragment =>
          v.type
            ? { sql: `(${a}.target_id = ? AND ${a}.target_type = ?)`, params: [v.id, v.type] }
            : { sql: `${a}.target_id = ?`, params: [v.id] },
        ),
      );
  }
}

const leafParams = (cond: ComponentCondition): string[] => (cond.kind === 'reference' ? cond.params : [cond.param]);

/**
 * A composite value (R4 search.html#composite): a row of its first component matching the first value, and rows of
 * the other components, of the same element (`composite_group`), matching theirs.
 */
function compositeWhere(components: ComponentCondition[], a: string, dialect: SqlDialect): SqlFragment {
  const parts = components.map((c, n): SqlFragment => {
    if (n === 0) return leafWhere(c, a, dialect);
    const b = `${a}c${n}`;
    const where = leafWhere(c, b, dialect);
    const params = leafParams(c);
    return {
      sql: `EXISTS (SELECT 1 FROM ${TABLE[LEAF_TABLE[c.kind]]} ${b} WHERE ${b}.resource_type = ${a}.resource_type AND ${b}.resource_id = ${a}.resource_id AND ${b}.param = ? AND ${b}.composite_group = ${a}.composite_group AND ${where.sql})`,
      params: [params[0], ...where.params],
    };
  });
  return join('AND', parts);
}

/** The index rows a condition selects, as an id set; null for the kinds answered from the resource row itself. */
function idSelect(type: string, cond: SearchCondition, ctx: Ctx): IdSelect | null {
  const { dialect } = ctx;
  switch (cond.kind) {
    case 'token':
    case 'string':
    case 'date':
    case 'number':
    case 'uri':
    case 'reference':
      return rowsOf(LEAF_TABLE[cond.kind], type, leafParams(cond), ctx, (a) => leafWhere(cond, a, dialect));
    case 'composite': {
      // Every value names the same component parameters: the first component's rows drive.
      const first = cond.values[0][0];
      return rowsOf(LEAF_TABLE[first.kind], type, leafParams(first), ctx, (a) =>
        join(
          'OR',
          cond.values.map((components) => compositeWhere(components, a, dialect)),
        ),
      );
    }
    case 'present':
      return rowsOf(cond.table, type, [cond.param], ctx, () => ({ sql: '1 = 1', params: [] }));
    case 'referencesOther': {
      const a = indexAlias(ctx.depth);
      return {
        table: FHIR_TABLES.reference,
        alias: a,
        idColumn: 'resource_id',
        where: {
          sql: `${a}.resource_type = ? AND ${a}.target_type = ? AND ${a}.target_id <> ?`,
          params: [type, cond.targetType, cond.exceptId],
        },
      };
    }
    case 'chain':
      return rowsOf('reference', type, cond.params, ctx, (a) =>
        join(
          'OR',
          cond.targets.map((t) => {
            const ids = idSetSql(t.type, t.conditions, { dialect, depth: ctx.depth + 1 });
            return {
              sql: `(${a}.target_type = ? AND ${a}.target_id IN (${ids.sql}))`,
              params: [t.type, ...ids.params],
            };
          }),
        ),
      );
    case 'has': {
      const a = indexAlias(ctx.depth);
      const ids = idSetSql(cond.sourceType, cond.conditions, { dialect, depth: ctx.depth + 1 });
      return {
        table: FHIR_TABLES.reference,
        alias: a,
        idColumn: 'target_id',
        where: {
          sql: `${a}.resource_type = ? AND ${a}.param = ? AND ${a}.target_type = ? AND ${a}.resource_id IN (${ids.sql})`,
          params: [cond.sourceType, cond.param, type, ...ids.params],
        },
      };
    }
    default:
      return null;
  }
}

/**
 * The ids of the live resources of `type` meeting every condition, as `SELECT … AS resource_id` (the inner query of a
 * chain or `_has`). The first index condition drives; the others are tested per resource.
 */
function idSetSql(type: string, conditions: SearchCondition[], ctx: Ctx): SqlFragment {
  const r = resourceAlias(ctx.depth);
  const drivers = conditions.map((c) => idSelect(type, c, ctx));
  const first = drivers.findIndex((d) => d !== null && d.idColumn === 'resource_id');
  if (first >= 0 && conditions.length === 1) return inForm(drivers[first]!);
  const rest = conditions.filter((_, i) => i !== first);
  const where = join('AND', [
    { sql: `${r}.deleted = 0`, params: [] },
    ...rest.map((c) => predicate(type, c, { ...ctx, depth: ctx.depth + 1 }, 'exists', r)),
  ]);
  if (first < 0) {
    return {
      sql: `SELECT ${r}.id AS resource_id FROM ${FHIR_TABLES.resource} ${r} WHERE ${r}.resource_type = ? AND ${where.sql}`,
      params: [type, ...where.params],
    };
  }
  const driver = inForm(drivers[first]!);
  const d = `d${ctx.depth}`;
  return {
    sql: `SELECT ${r}.id AS resource_id FROM (${driver.sql}) ${d} JOIN ${FHIR_TABLES.resource} ${r} ON ${r}.resource_type = ? AND ${r}.id = ${d}.resource_id WHERE ${where.sql}`,
    params: [...driver.params, type, ...where.params],
  };
}

/**
 * How an index condition tests the resource row: `in` compares its id with the set of matching ids (good when the
 * resource table is walked in page order), `exists` looks up the row's own index rows (good when few rows are visited).
 */
export type IndexTest = 'in' | 'exists';

const isoInstant = (ms: number) => new Date(ms).toISOString();

/** One condition as a predicate on the resource row aliased `resource`. */
function predicate(type: string, cond: SearchCondition, ctx: Ctx, test: IndexTest, resource: string): SqlFragment {
  const select = idSelect(type, cond, ctx);
  if (select) {
    if (test === 'exists') return existsForm(select, resource);
    const ids = inForm(select);
    return { sql: `${resource}.id IN (${ids.sql})`, params: ids.params };
  }
  switch (cond.kind) {
    case 'and':
      return join(
        'AND',
        cond.items.map((c) => predicate(type, c, ctx, test, resource)),
      );
    case 'or':
      return join(
        'OR',
        cond.items.map((c) => predicate(type, c, ctx, test, resource)),
      );
    case 'not': {
      // A negation looks up the row's own index rows: it is never selective enough to drive.
      const inner = predicate(type, cond.item, ctx, 'exists', resource);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    case 'id':
      return cond.ids.length
        ? { sql: `${resource}.id IN (${cond.ids.map(() => '?').join(', ')})`, params: cond.ids }
        : { sql: '1 = 0', params: [] };
    case 'lastUpdated':
      // last_updated holds fixed-width ISO instants, which sort like the instants themselves.
      return join(
        'OR',
        cond.values.map((d) => datePredicate(`${resource}.last_updated`, `${resource}.last_updated`, d, isoInstant)),
      );
    default:
      return { sql: '1 = 0', params: [] };
  }
}

/**
 * The index rows an index condition selects, as `SELECT … AS resource_id` on the top level; null for the kinds
 * answered from the resource row. The stores count these to choose the condition that drives a search.
 */
export function indexSql(type: string, cond: SearchCondition, dialect: SqlDialect): SqlFragment | null {
  const select = idSelect(type, cond, { dialect, depth: 0 });
  return select ? inForm(select) : null;
}

/** One condition as a predicate on the resource table, aliased `r`. */
export function conditionSql(
  type: string,
  cond: SearchCondition,
  dialect: SqlDialect,
  test: IndexTest = 'in',
): SqlFragment {
  return predicate(type, cond, { dialect, depth: 0 }, test, 'r');
}

/** The WHERE clause of a type-level search: live resources of the type that meet every condition. */
export function searchWhere(
  type: string,
  conditions: SearchCondition[],
  dialect: SqlDialect,
  test: IndexTest = 'in',
): SqlFragment {
  const parts: SqlFragment[] = [{ sql: 'r.resource_type = ? AND r.deleted = 0', params: [type] }];
  for (const c of conditions) parts.push(conditionSql(type, c, dialect, test));
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

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

interface OrderKey {
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
          sql: `(SELECT ${fn}(s${n}.${column}) FROM ${TABLE[s.table!]} s${n} WHERE s${n}.resource_type = ? AND s${n}.resource_id = r.id AND s${n}.param = ?)`,
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
function orderBy(keys: OrderKey[], ref: (k: OrderKey) => string, backwards: boolean): string {
  return keys
    .map((k) => {
      const desc = k.descending !== backwards;
      const nulls = k.nullable ? `(${ref(k)} IS NULL) ${backwards ? 'DESC' : 'ASC'}, ` : '';
      return `${nulls}${ref(k)} ${desc ? 'DESC' : 'ASC'}`;
    })
    .join(', ');
}

/** Rows strictly after (or before) the cursor in the order of `keys` (keyset paging; missing values sort last). */
function keysetPredicate(keys: OrderKey[], ref: (k: OrderKey) => string, cursor: PageCursor): SqlFragment {
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
function walkInPageOrder(conditions: SearchCondition[], dialect: SqlDialect, keys: OrderKey[]): string {
  const pageOrder = keys.length === 2 && keys[0].name === 'lu' && !keys[0].descending;
  return dialect === 'sqlite' && pageOrder && !conditions.some((c) => c.kind === 'id')
    ? ` INDEXED BY ${PAGE_INDEX}`
    : '';
}

/**
 * The count and page queries of a search. The order is total (the requested keys, then last_updated and id), and
 * pages continue from a cursor (the keys of the entry next to them), so paging is stable while other resources are
 * written: a new resource never shifts the entries of the pages around it.
 *
 * `drive`, one of the conditions, makes its index rows the outer loop (SQLite CROSS JOIN, MySQL STRAIGHT_JOIN fix the
 * join order). Neither planner can tell from its statistics how many resources a value selects (the index tables hold
 * every parameter of a type, so averages mislead), so the store measures the conditions and chooses (see its driver()).
 *
 * The page query selects `count + 1` rows, so the caller learns whether another page follows; its rows carry the
 * order keys as `key_0 … key_n`.
 */
export function searchSql(
  type: string,
  conditions: SearchCondition[],
  dialect: SqlDialect,
  page: PageRequest,
  drive?: SearchCondition,
  options: { unordered?: boolean } = {},
): { count: SqlFragment; page: SqlFragment; keys: number } {
  const driver = drive ? indexSql(type, drive, dialect) : null;
  const where = searchWhere(
    type,
    conditions.filter((c) => !driver || c !== drive),
    dialect,
    driver ? 'exists' : 'in',
  );
  const keys = orderKeys(type, page.sort);
  let from: SqlFragment;
  if (!driver) {
    from = {
      sql: `FROM ${FHIR_TABLES.resource} r${walkInPageOrder(conditions, dialect, keys)} WHERE ${where.sql}`,
      params: where.params,
    };
  } else if (dialect === 'sqlite') {
    // Unary + (a no-op in SQLite) keeps DISTINCT from choosing the (resource_type, resource_id) index, which would
    // walk every row of the type instead of the few the condition selects.
    from = {
      sql: `FROM (SELECT DISTINCT +d.resource_id AS rid FROM (${driver.sql}) d) x CROSS JOIN ${FHIR_TABLES.resource} r WHERE r.id = x.rid AND ${where.sql}`,
      params: [...driver.params, ...where.params],
    };
  } else {
    from = {
      sql: `FROM (SELECT DISTINCT d.resource_id AS rid FROM (${driver.sql}) d) x STRAIGHT_JOIN ${FHIR_TABLES.resource} r ON r.resource_type = ? AND r.id = x.rid WHERE ${where.sql}`,
      params: [...driver.params, type, ...where.params],
    };
  }
  const backwards = page.cursor?.direction === 'before';
  const limit = [page.count + 1, page.offset];
  const simple = keys.every((k) => !k.nullable);
  let pageSql: SqlFragment;
  if (simple) {
    // Only resource columns: order and continue on them directly, so the page index can be walked.
    const ref = (k: OrderKey) => k.expr.sql;
    const keyset = page.cursor ? keysetPredicate(keys, ref, page.cursor) : null;
    const cols = keys.map((k, n) => `${k.expr.sql} AS key_${n}`).join(', ');
    // Unordered: the caller sorts a result that turned out to fit on the page (see MysqlResourceStore.search).
    const order = options.unordered ? '' : ` ORDER BY ${orderBy(keys, ref, backwards)}`;
    pageSql = {
      sql: `SELECT r.id AS id, r.content AS content, ${cols} ${from.sql}${keyset ? ` AND ${keyset.sql}` : ''}${order} LIMIT ? OFFSET ?`,
      params: [...from.params, ...(keyset?.params ?? []), ...limit],
    };
  } else {
    const ref = (k: OrderKey) => `t.${k.name}`;
    const keyset = page.cursor ? keysetPredicate(keys, ref, page.cursor) : null;
    const inner = keys.filter((k) => k.name !== 'id' && k.name !== 'lu');
    const innerCols = inner.map((k) => `${k.expr.sql} AS ${k.name}`).join(', ');
    const cols = keys.map((k, n) => `t.${k.name} AS key_${n}`).join(', ');
    pageSql = {
      sql: `SELECT t.id AS id, t.content AS content, ${cols} FROM (SELECT r.id AS id, r.content AS content, r.last_updated AS lu, ${innerCols} ${from.sql}) t${keyset ? ` WHERE ${keyset.sql}` : ''} ORDER BY ${orderBy(keys, ref, backwards)} LIMIT ? OFFSET ?`,
      params: [...inner.flatMap((k) => k.expr.params), ...from.params, ...(keyset?.params ?? []), ...limit],
    };
  }
  return {
    count: { sql: `SELECT COUNT(*) AS total ${from.sql}`, params: from.params },
    page: pageSql,
    keys: keys.length,
  };
}
