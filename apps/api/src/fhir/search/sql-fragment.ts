/** SQL pieces both engines read alike: a fragment with its bound values, and the comparisons every builder needs. */

export type SqlDialect = 'sqlite' | 'mysql';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** `LIKE … ESCAPE '!'`: '!' because SQLite and MySQL disagree on what a backslash in a string literal means. */
export function likeEscape(value: string): string {
  return value.replace(/[!%_]/g, (c) => '!' + c);
}

/**
 * Equality that is exact on both engines: SQLite compares bytes already; MySQL's `_ci` collations would fold case and
 * accents, so the indexed comparison is followed by a byte comparison.
 */
export function exactEquals(column: string, value: string, dialect: SqlDialect): SqlFragment {
  return dialect === 'mysql'
    ? { sql: `(${column} = ? AND CAST(${column} AS BINARY) = CAST(? AS BINARY))`, params: [value, value] }
    : { sql: `${column} = ?`, params: [value] };
}

/** `column` starts with `prefix`, as an index range scan on both engines (case-folding on MySQL unless `exact`). */
export function startsWith(column: string, prefix: string, dialect: SqlDialect, exact = false): SqlFragment {
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

export function join(op: 'AND' | 'OR', parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: op === 'AND' ? '1 = 1' : '1 = 0', params: [] };
  if (parts.length === 1) return parts[0];
  return { sql: '(' + parts.map((p) => p.sql).join(` ${op} `) + ')', params: parts.flatMap((p) => p.params) };
}

/**
 * ` LIMIT n` (and ` OFFSET m`) written into the statement, never bound. SQLite (3.53, as better-sqlite3 ships it)
 * plans with a bound LIMIT's value, so binding one marks the statement expired: every run re-prepares it (parse and
 * plan again), which more than doubled the instructions a search page costs (312k against 135k, callgrind). Numbers
 * only, checked here, so nothing a request sends can reach the SQL text.
 */
export function limitSql(limit: number, offset = 0): string {
  for (const n of [limit, offset]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`LIMIT and OFFSET take whole numbers, got ${n}`);
  }
  return offset ? ` LIMIT ${limit} OFFSET ${offset}` : ` LIMIT ${limit}`;
}
