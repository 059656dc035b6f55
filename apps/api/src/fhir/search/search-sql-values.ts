import { FHIR_TABLES } from '../store/fhir-tables';
import { approximateRange, DateSearchValue } from '../../common/fhir-search/fhir-date';
import type { IndexTableKey } from './index-extractor';
import { ComponentCondition, NumberSearchValue, TokenValue } from './search-condition';
import { exactEquals, join, likeEscape, SqlDialect, SqlFragment, startsWith } from './sql-fragment';
import { normalizeSearchString, truncateForIndex } from './string-normalize';

/** The SQL of one parameter value per search parameter type, on the rows of its index table. */

/**
 * A prefixed date comparison on a target range [low, high] (FHIR R4 search.html#prefix). `toParam` turns epoch
 * milliseconds into what the columns hold. Kept in step with `dateMatches` in fhir-date.ts.
 */
export function datePredicate(
  low: string,
  high: string,
  d: DateSearchValue,
  toParam: (ms: number) => unknown,
): SqlFragment {
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

/** The index table of each leaf condition kind. */
export const LEAF_TABLE: Record<ComponentCondition['kind'], IndexTableKey> = {
  token: 'token',
  string: 'string',
  date: 'date',
  number: 'quantity',
  uri: 'uri',
  reference: 'reference',
};

/** What the rows (aliased `a`) of a leaf condition's table must hold for one of its values to match. */
export function leafWhere(cond: ComponentCondition, a: string, dialect: SqlDialect): SqlFragment {
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

export const leafParams = (cond: ComponentCondition): string[] =>
  cond.kind === 'reference' ? cond.params : [cond.param];

/**
 * A composite value (R4 search.html#composite): a row of its first component matching the first value, and rows of
 * the other components, of the same element (`composite_group`), matching theirs.
 */
export function compositeWhere(components: ComponentCondition[], a: string, dialect: SqlDialect): SqlFragment {
  const parts = components.map((c, n): SqlFragment => {
    if (n === 0) return leafWhere(c, a, dialect);
    const b = `${a}c${n}`;
    const where = leafWhere(c, b, dialect);
    const params = leafParams(c);
    return {
      sql: `EXISTS (SELECT 1 FROM ${FHIR_TABLES[LEAF_TABLE[c.kind]]} ${b} WHERE ${b}.resource_type = ${a}.resource_type AND ${b}.resource_id = ${a}.resource_id AND ${b}.param = ? AND ${b}.composite_group = ${a}.composite_group AND ${where.sql})`,
      params: [params[0], ...where.params],
    };
  });
  return join('AND', parts);
}
