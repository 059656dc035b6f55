import { FHIR_TABLES } from '../store/fhir-tables';
import type { IndexTableKey } from './index-extractor';
import { SearchCondition } from './search-condition';
import { datePredicate, LEAF_TABLE, leafParams, leafWhere, compositeWhere } from './search-sql-values';
import { keysetPredicate, OrderKey, orderBy, orderKeys, PageRequest, walkInPageOrder } from './search-sql-order';
import { join, limitSql, SqlDialect, SqlFragment } from './sql-fragment';

// The types of this builder's interface, for the stores that run its SQL.
export type { SqlDialect, SqlFragment } from './sql-fragment';
export type { PageCursor, PageRequest, SortSpec } from './search-sql-order';

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
  const limit = limitSql(page.count + 1, page.offset);
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
      sql: `SELECT r.id AS id, r.content AS content, ${cols} ${from.sql}${keyset ? ` AND ${keyset.sql}` : ''}${order}${limit}`,
      params: [...from.params, ...(keyset?.params ?? [])],
    };
  } else {
    const ref = (k: OrderKey) => `t.${k.name}`;
    const keyset = page.cursor ? keysetPredicate(keys, ref, page.cursor) : null;
    const inner = keys.filter((k) => k.name !== 'id' && k.name !== 'lu');
    const innerCols = inner.map((k) => `${k.expr.sql} AS ${k.name}`).join(', ');
    const cols = keys.map((k, n) => `t.${k.name} AS key_${n}`).join(', ');
    pageSql = {
      sql: `SELECT t.id AS id, t.content AS content, ${cols} FROM (SELECT r.id AS id, r.content AS content, r.last_updated AS lu, ${innerCols} ${from.sql}) t${keyset ? ` WHERE ${keyset.sql}` : ''} ORDER BY ${orderBy(keys, ref, backwards)}${limit}`,
      params: [...inner.flatMap((k) => k.expr.params), ...from.params, ...(keyset?.params ?? [])],
    };
  }
  return {
    count: { sql: `SELECT COUNT(*) AS total ${from.sql}`, params: from.params },
    page: pageSql,
    keys: keys.length,
  };
}
