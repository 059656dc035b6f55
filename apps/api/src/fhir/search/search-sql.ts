import { FHIR_TABLES, PAGE_INDEX } from '../store/fhir-tables';
import { approximateRange, DateSearchValue } from './fhir-date';
import { SearchCondition, TokenValue } from './search-condition';
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

/** `column` starts with `prefix`, as an index range scan on both engines. */
function startsWith(column: string, prefix: string, dialect: SqlDialect): SqlFragment {
  // SQLite only turns LIKE into a range with a NOCASE column; an explicit range works on its BINARY index.
  return dialect === 'mysql'
    ? { sql: `${column} LIKE ? ESCAPE '!'`, params: [likeEscape(prefix) + '%'] }
    : { sql: `(${column} >= ? AND ${column} < ?)`, params: [prefix, prefix + '\u{10FFFF}'] };
}

function join(op: 'AND' | 'OR', parts: SqlFragment[]): SqlFragment {
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

function tokenPredicate(v: TokenValue, dialect: SqlDialect): SqlFragment {
  const parts: SqlFragment[] = [];
  if (v.system !== undefined)
    parts.push(
      v.system === ''
        ? { sql: `i.token_system = ''`, params: [] }
        : exactEquals('i.token_system', truncateForIndex(v.system), dialect),
    );
  if (v.code !== undefined) parts.push(exactEquals('i.token_code', truncateForIndex(v.code), dialect));
  return join('AND', parts);
}

/** `SELECT i.resource_id FROM <table> i` for this type and parameters, filtered by `where`. */
function indexSelect(table: string, type: string, params: string[], where: SqlFragment): SqlFragment {
  const paramSql = params.length === 1 ? 'i.param = ?' : `i.param IN (${params.map(() => '?').join(', ')})`;
  return {
    sql: `SELECT i.resource_id FROM ${table} i WHERE i.resource_type = ? AND ${paramSql} AND ${where.sql}`,
    params: [type, ...params, ...where.params],
  };
}

/**
 * How an index condition tests the resource row `r`: `in` compares r.id with the set of matching ids (good when the
 * resource table is walked in page order), `exists` looks up r's own index rows (good when few rows are visited).
 */
export type IndexTest = 'in' | 'exists';

function indexTest(select: SqlFragment, test: IndexTest): SqlFragment {
  if (test === 'in') return { sql: `r.id IN (${select.sql})`, params: select.params };
  // The select starts `SELECT i.resource_id FROM <table> i WHERE i.resource_type = ? AND …`: correlate it with r.
  return {
    sql: `EXISTS (${select.sql.replace('SELECT i.resource_id FROM', 'SELECT 1 FROM').replace('WHERE i.resource_type = ?', 'WHERE i.resource_type = ? AND i.resource_id = r.id')})`,
    params: select.params,
  };
}

const isoInstant = (ms: number) => new Date(ms).toISOString();

/**
 * The index rows a token, string, date or reference condition selects, as `SELECT i.resource_id …`; null for the
 * other kinds. Index rows exist only for live current versions, so these ids need no `deleted` check.
 */
export function indexSql(type: string, cond: SearchCondition, dialect: SqlDialect): SqlFragment | null {
  switch (cond.kind) {
    case 'token':
      return indexSelect(
        FHIR_TABLES.token,
        type,
        [cond.param],
        join(
          'OR',
          cond.values.map((v) => tokenPredicate(v, dialect)),
        ),
      );
    case 'string': {
      const where = cond.values.map((v): SqlFragment => {
        switch (cond.modifier) {
          case 'default':
            return startsWith('i.value_normalized', truncateForIndex(v), dialect);
          case 'contains':
            return { sql: `i.value_normalized LIKE ? ESCAPE '!'`, params: ['%' + likeEscape(v) + '%'] };
          case 'exact':
            // The normalised column narrows by index; the original text then decides.
            return join('AND', [
              { sql: 'i.value_normalized = ?', params: [truncateForIndex(normalizeSearchString(v))] },
              exactEquals('i.value_exact', truncateForIndex(v), dialect),
            ]);
        }
      });
      return indexSelect(FHIR_TABLES.string, type, [cond.param], join('OR', where));
    }
    case 'date':
      return indexSelect(
        FHIR_TABLES.date,
        type,
        [cond.param],
        join(
          'OR',
          cond.values.map((d) => datePredicate('i.range_low', 'i.range_high', d, (ms) => ms)),
        ),
      );
    case 'reference': {
      const where = cond.values.map((v): SqlFragment =>
        v.type
          ? { sql: '(i.target_id = ? AND i.target_type = ?)', params: [v.id, v.type] }
          : { sql: 'i.target_id = ?', params: [v.id] },
      );
      return indexSelect(FHIR_TABLES.reference, type, cond.params, join('OR', where));
    }
    default:
      return null;
  }
}

/** One condition as a predicate on the resource table, aliased `r`. */
export function conditionSql(
  type: string,
  cond: SearchCondition,
  dialect: SqlDialect,
  test: IndexTest = 'in',
): SqlFragment {
  const index = indexSql(type, cond, dialect);
  if (index) return indexTest(index, test);
  switch (cond.kind) {
    case 'and':
      return cond.items.length
        ? join(
            'AND',
            cond.items.map((c) => conditionSql(type, c, dialect, test)),
          )
        : { sql: '1 = 1', params: [] };
    case 'or':
      return cond.items.length
        ? join(
            'OR',
            cond.items.map((c) => conditionSql(type, c, dialect, test)),
          )
        : { sql: '1 = 0', params: [] };
    case 'id':
      return { sql: `r.id IN (${cond.ids.map(() => '?').join(', ')})`, params: cond.ids };
    case 'lastUpdated':
      // last_updated holds fixed-width ISO instants, which sort like the instants themselves.
      return join(
        'OR',
        cond.values.map((d) => datePredicate('r.last_updated', 'r.last_updated', d, isoInstant)),
      );
    default:
      return { sql: '1 = 0', params: [] };
  }
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

/** SQLite: walk the page index even where statistics (ANALYZE) would tempt the planner into probing every id. */
function walkInPageOrder(conditions: SearchCondition[], dialect: SqlDialect): string {
  return dialect === 'sqlite' && !conditions.some((c) => c.kind === 'id') ? ` INDEXED BY ${PAGE_INDEX}` : '';
}

/**
 * The count and page queries of a search. Pages are ordered by (last_updated, id), a total order on the resource
 * table's index, so offsets stay stable while other resources are written.
 *
 * `drive`, one of the conditions, makes its index rows the outer loop (SQLite CROSS JOIN, MySQL STRAIGHT_JOIN fix the
 * join order). Neither planner can tell from its statistics how many resources a value selects (the index tables hold
 * every parameter of a type, so averages mislead), so the store measures the conditions and chooses (see its driver()).
 */
export function searchSql(
  type: string,
  conditions: SearchCondition[],
  dialect: SqlDialect,
  page: { count: number; offset: number },
  drive?: SearchCondition,
): { count: SqlFragment; page: SqlFragment } {
  const driver = drive ? indexSql(type, drive, dialect) : null;
  const where = searchWhere(
    type,
    conditions.filter((c) => !driver || c !== drive),
    dialect,
    driver ? 'exists' : 'in',
  );
  let from: SqlFragment;
  if (!driver) {
    from = {
      sql: `FROM ${FHIR_TABLES.resource} r${walkInPageOrder(conditions, dialect)} WHERE ${where.sql}`,
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
  return {
    count: { sql: `SELECT COUNT(*) AS total ${from.sql}`, params: from.params },
    page: {
      sql: `SELECT r.id AS id, r.content AS content ${from.sql} ORDER BY r.last_updated, r.id LIMIT ? OFFSET ?`,
      params: [...from.params, page.count, page.offset],
    },
  };
}
