import { after, each, insertSql, Maybe, SqlBatch, SqlReader, SqlRunner } from '../../database/driver-adapter';
import { INDEX_TABLE_KEYS, IndexRows, IndexTableKey } from '../search/index-extractor';
import type { SearchCondition } from '../search/search-condition';
import { conditionSql, indexSql, PageRequest, searchSql, SqlDialect, SqlFragment } from '../search/search-sql';
import { limitSql } from '../search/sql-fragment';
import { FHIR_TABLES } from './fhir-tables';

/** One version of a resource as stored. `content` is the JSON text served for it (null for a deletion). */
export interface StoredVersion {
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  content: string | null;
}

/** A version in a history: its type too, for system-level history. */
export interface HistoryVersion extends StoredVersion {
  type: string;
}

/** What the service hands the store for a new version: the final JSON and its index rows. */
export interface PreparedVersion {
  content: string;
  rows: IndexRows;
}

/**
 * Builds the new version once the store knows its number and time and the current version (inside the write
 * transaction, so a patch applies to exactly the version it replaces). May throw to abort the whole write.
 */
export type VersionBuilder = (versionId: number, lastUpdated: string, current: StoredVersion | null) => PreparedVersion;

/** One resource write in a transaction. */
export interface WriteRequest {
  type: string;
  id: string;
  op: 'put' | 'delete';
  /** For `put`. */
  build?: VersionBuilder;
  /** `If-Match`: the version the client read; any other current version fails with 412 (R4 http.html#concurrency). */
  ifMatch?: number;
  /** The id was generated for this write, so no current row is looked up. */
  fresh?: boolean;
}

export interface WriteOutcome {
  /** The version written, the current deleted version for a repeated delete, null for a delete of an unknown id. */
  version: StoredVersion | null;
  created: boolean;
}

export interface SearchEntry {
  id: string;
  content: string;
  /** The entry's order keys, for a paging cursor. */
  key: unknown[];
}

export interface SearchPage {
  /** Present when asked for. */
  total?: number;
  entries: SearchEntry[];
  /** Whether more entries follow in the direction read. */
  more: boolean;
}

export interface SearchQuery extends PageRequest {
  /** Count the matches too (`total`). */
  total: boolean;
}

/** The position of a history entry, for paging newest first. */
export interface HistoryKey {
  lastUpdated: string;
  type: string;
  id: string;
  versionId: number;
}

export interface HistoryQuery {
  type?: string;
  id?: string;
  /** System history: only these types (undefined: all). */
  types?: readonly string[];
  /** `_since`: versions at or after this instant. */
  since?: string;
  count: number;
  /** Continue after this entry. */
  after?: HistoryKey;
}

/** An error the store raises for a write precondition; the service maps it to its domain error. */
export class WriteConflict extends Error {
  constructor(
    readonly reason: 'version_mismatch' | 'not_found' | 'duplicate',
    readonly type: string,
    readonly id: string,
    readonly current?: number,
  ) {
    super(`${reason} on ${type}/${id}`);
  }
}

export const INDEX_COLUMNS: Record<IndexTableKey, readonly string[]> = {
  token: ['resource_type', 'resource_id', 'param', 'token_system', 'token_code', 'composite_group'],
  string: ['resource_type', 'resource_id', 'param', 'value_normalized', 'value_exact', 'composite_group'],
  date: ['resource_type', 'resource_id', 'param', 'range_low', 'range_high', 'composite_group'],
  reference: ['resource_type', 'resource_id', 'param', 'target_type', 'target_id', 'composite_group'],
  quantity: [
    'resource_type',
    'resource_id',
    'param',
    'unit_system',
    'unit_code',
    'range_low',
    'range_high',
    'composite_group',
  ],
  uri: ['resource_type', 'resource_id', 'param', 'uri', 'composite_group'],
};
export const RESOURCE_COLUMNS = ['resource_type', 'id', 'version_id', 'last_updated', 'deleted', 'content'] as const;
export const HISTORY_COLUMNS = RESOURCE_COLUMNS;

const CURRENT_COLUMNS = 'id, version_id, last_updated, deleted, content';
export const SELECT_CURRENT = `SELECT ${CURRENT_COLUMNS} FROM ${FHIR_TABLES.resource} WHERE resource_type = ? AND id = ?`;
export const SELECT_VERSION = `SELECT ${CURRENT_COLUMNS} FROM ${FHIR_TABLES.history} WHERE resource_type = ? AND id = ? AND version_id = ?`;

/** The current rows of some ids of one type. */
export function selectCurrentMany(count: number): string {
  return `SELECT ${CURRENT_COLUMNS} FROM ${FHIR_TABLES.resource} WHERE resource_type = ? AND id IN (${placeholders(count)})`;
}

const KEY_NAMES: string[][] = [];

/** `key_0 … key_{n-1}`, the order-key columns of a page query (see searchSql). */
export function keyNames(n: number): string[] {
  return (KEY_NAMES[n] ??= Array.from({ length: n }, (_, i) => `key_${i}`));
}

/** Current time as the fixed-width ISO instant used for meta.lastUpdated and the last_updated columns. */
export function nowInstant(): string {
  return new Date().toISOString();
}

function indexValues(type: string, id: string, table: IndexTableKey, rows: IndexRows): unknown[][] {
  switch (table) {
    case 'token':
      return rows.token.map((r) => [type, id, r.param, r.system, r.code, r.group ?? 0]);
    case 'string':
      return rows.string.map((r) => [type, id, r.param, r.value, r.exact, r.group ?? 0]);
    case 'date':
      return rows.date.map((r) => [type, id, r.param, r.low, r.high, r.group ?? 0]);
    case 'reference':
      return rows.reference.map((r) => [type, id, r.param, r.targetType, r.targetId, r.group ?? 0]);
    case 'quantity':
      return rows.quantity.map((r) => [type, id, r.param, r.system, r.code, r.low, r.high, r.group ?? 0]);
    case 'uri':
      return rows.uri.map((r) => [type, id, r.param, r.uri, r.group ?? 0]);
  }
}

/**
 * Everything a transaction writes, gathered so each engine can send it in as few statements as it likes: resource
 * rows (upserts), history rows, index rows per table, and the resources whose old index rows go first.
 */
export class WriteBatch {
  readonly resources: unknown[][] = [];
  readonly history: unknown[][] = [];
  readonly index = new Map<IndexTableKey, unknown[][]>(INDEX_TABLE_KEYS.map((t) => [t, []]));
  /** type → ids whose index rows are replaced. */
  readonly clear = new Map<string, string[]>();

  /** Plans one request against the current version (null: none); returns its outcome. */
  plan(request: WriteRequest, current: StoredVersion | null, lastUpdated: string): WriteOutcome {
    const { type, id } = request;
    if (request.ifMatch !== undefined && (!current || current.versionId !== request.ifMatch)) {
      throw new WriteConflict(current ? 'version_mismatch' : 'not_found', type, id, current?.versionId);
    }
    if (request.op === 'delete') {
      if (!current) return { version: null, created: false };
      if (current.deleted) return { version: current, created: false };
      const version: StoredVersion = {
        id,
        versionId: current.versionId + 1,
        lastUpdated,
        deleted: true,
        content: null,
      };
      this.row(type, version);
      this.clearIndex(type, id);
      return { version, created: false };
    }
    const versionId = current ? current.versionId + 1 : 1;
    const prepared = request.build!(versionId, lastUpdated, current);
    const version: StoredVersion = { id, versionId, lastUpdated, deleted: false, content: prepared.content };
    this.row(type, version);
    if (current && !current.deleted) this.clearIndex(type, id);
    for (const table of INDEX_TABLE_KEYS) {
      if (prepared.rows[table].length) this.index.get(table)!.push(...indexValues(type, id, table, prepared.rows));
    }
    return { version, created: current === null };
  }

  private row(type: string, v: StoredVersion): void {
    const row = [type, v.id, v.versionId, v.lastUpdated, v.deleted ? 1 : 0, v.content];
    this.resources.push(row);
    this.history.push(row);
  }

  private clearIndex(type: string, id: string): void {
    const ids = this.clear.get(type);
    if (ids) ids.push(id);
    else this.clear.set(type, [id]);
  }
}

/** Refuses a transaction that writes one resource twice (R4 http.html#trules: each resource once). */
export function assertDistinct(requests: readonly WriteRequest[]): void {
  const seen = new Set<string>();
  for (const r of requests) {
    const key = `${r.type}/${r.id}`;
    if (seen.has(key)) throw new WriteConflict('duplicate', r.type, r.id);
    seen.add(key);
  }
}

/** A row as either driver returns it. `content` is text on SQLite and MariaDB, parsed JSON from a MySQL 8 JSON column. */
export interface RawVersionRow {
  id?: string;
  resource_type?: string;
  version_id: number | string;
  last_updated: string;
  deleted: number | boolean | string;
  content: unknown;
}

export function contentText(content: unknown): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (Buffer.isBuffer(content)) return content.toString('utf8');
  return JSON.stringify(content);
}

export function toStoredVersion(id: string, row: RawVersionRow): StoredVersion {
  return {
    id,
    versionId: Number(row.version_id),
    lastUpdated: row.last_updated,
    deleted: row.deleted === true || Number(row.deleted) === 1,
    content: contentText(row.content),
  };
}

/** The history query, newest first (R4 http.html#history: "sorted with oldest versions last"). */
export function historySql(q: HistoryQuery, countOnly = false): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.type !== undefined) {
    where.push('h.resource_type = ?');
    params.push(q.type);
  }
  if (q.id !== undefined) {
    where.push('h.id = ?');
    params.push(q.id);
  }
  if (q.types !== undefined) {
    if (q.types.length === 0) where.push('1 = 0');
    else {
      where.push(`h.resource_type IN (${q.types.map(() => '?').join(', ')})`);
      params.push(...q.types);
    }
  }
  if (q.since !== undefined) {
    where.push('h.last_updated >= ?');
    params.push(q.since);
  }
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  if (countOnly) return { sql: `SELECT COUNT(*) AS total FROM ${FHIR_TABLES.history} h${whereSql}`, params };
  const a = q.after;
  let keyset = '';
  const keyParams: unknown[] = [];
  if (a) {
    if (q.id !== undefined) {
      keyset = 'h.version_id < ?';
      keyParams.push(a.versionId);
    } else {
      keyset =
        '(h.last_updated < ? OR (h.last_updated = ? AND (h.resource_type < ? OR (h.resource_type = ? AND (h.id < ? OR (h.id = ? AND h.version_id < ?))))))';
      keyParams.push(a.lastUpdated, a.lastUpdated, a.type, a.type, a.id, a.id, a.versionId);
    }
  }
  const all = keyset ? (whereSql ? `${whereSql} AND ${keyset}` : ` WHERE ${keyset}`) : whereSql;
  const order =
    q.id !== undefined
      ? 'h.version_id DESC'
      : 'h.last_updated DESC, h.resource_type DESC, h.id DESC, h.version_id DESC';
  return {
    sql: `SELECT h.resource_type AS resource_type, h.id AS id, h.version_id AS version_id, h.last_updated AS last_updated, h.deleted AS deleted, h.content AS content FROM ${FHIR_TABLES.history} h${all} ORDER BY ${order}${limitSql(q.count + 1)}`,
    params: [...params, ...keyParams],
  };
}

/**
 * How an engine wants the store's SQL: ids and rows per statement, row locks, the upsert clause, and the join hints
 * of a search.
 */
export interface DialectRules {
  /** Ids per `IN (…)` when a write reads the current rows. */
  readonly readChunk: number;
  /**
   * Appended to those reads to lock the rows (` FOR UPDATE`); they are then read in id order, whatever order the
   * request lists them in, so two transactions cannot deadlock there. '' where the engine serialises writes.
   */
  readonly lock: string;
  /** Ids per DELETE of replaced index rows. */
  readonly clearChunk: number;
  /** Rows per INSERT of a table with `columns` columns (1: one single-row statement run per row). */
  insertRows(columns: number): number;
  /** The clause by which an INSERT of a resource row replaces the current one, setting `columns`. */
  upsert(columns: readonly string[]): string;
  /**
   * Join hints of a search: the index condition selecting the fewest rows (each counted up to `probe`), if it selects
   * at most `limit` (undefined: whatever it selects), drives the count, and the page too when `page` is set; the other
   * conditions are then tested per resource. An undriven query walks the type in page order testing them with IN.
   */
  readonly drive: { page: boolean; probe: number; limit?: number };
}

function placeholders(count: number): string {
  return Array(count).fill('?').join(', ');
}

/** Appends a statement to `out`, as another parameter list of the last one when it has the same SQL. */
function addStatement(out: SqlBatch[], sql: string, params: unknown[]): void {
  const last = out[out.length - 1];
  if (last?.sql === sql) last.rows.push(params);
  else out.push({ sql, rows: [params] });
}

type CurrentRow = RawVersionRow & { id: string };
type HistoryRow = RawVersionRow & { id: string; resource_type: string };

/**
 * The FHIR store: current resources, their history and their search indexes, on SQLite or MySQL/MariaDB.
 * Every write (resource rows, history rows, index rows) is one transaction.
 *
 * The algorithm is written once, here, over a SQL runner whose calls answer at once (better-sqlite3) or later
 * (mysql2), composed with `after`/`each`: on SQLite a request runs start to end without a promise per statement.
 * A store says how its engine wants the SQL (`rules`) and how it runs a transaction.
 */
export abstract class ResourceStore {
  abstract readonly dialect: SqlDialect;
  protected abstract readonly rules: DialectRules;
  /** Reads outside a write. */
  protected abstract readonly sql: SqlReader;

  /** Runs `body` in one transaction, all or nothing (retried, where the engine may ask for it). */
  protected abstract transaction<T>(body: (tx: SqlRunner) => Maybe<T>): Promise<T>;

  /** The current version, by primary key (one query). */
  async read(type: string, id: string): Promise<StoredVersion | null> {
    return after(this.sql.get<RawVersionRow>(SELECT_CURRENT, [type, id]), (row) =>
      row ? toStoredVersion(id, row) : null,
    );
  }

  async vread(type: string, id: string, versionId: number): Promise<StoredVersion | null> {
    return after(this.sql.get<RawVersionRow>(SELECT_VERSION, [type, id, versionId]), (row) =>
      row ? toStoredVersion(id, row) : null,
    );
  }

  /**
   * Writes resources all or nothing, in one transaction: the current rows are read (and locked, on MySQL), each request
   * is planned against its current version, and the rows go in as batches. Throws WriteConflict (or whatever a builder
   * throws) and writes nothing when any request fails.
   */
  async write(requests: WriteRequest[]): Promise<WriteOutcome[]> {
    assertDistinct(requests);
    return this.transaction((tx) =>
      after(this.currentRows(tx, requests), (current) => {
        const batch = new WriteBatch();
        const lastUpdated = nowInstant();
        const outcomes = requests.map((r) => batch.plan(r, current.get(`${r.type}/${r.id}`) ?? null, lastUpdated));
        return after(tx.run(this.statements(batch)), () => outcomes);
      }),
    );
  }

  /** Creates or replaces a resource; `created` tells which. */
  async put(
    type: string,
    id: string,
    build: VersionBuilder,
    options: { ifMatch?: number; fresh?: boolean } = {},
  ): Promise<{ version: StoredVersion; created: boolean }> {
    const [outcome] = await this.write([{ type, id, op: 'put', build, ...options }]);
    return { version: outcome.version!, created: outcome.created };
  }

  /** Marks a resource deleted; null when it never existed. */
  async delete(type: string, id: string, ifMatch?: number): Promise<StoredVersion | null> {
    const [outcome] = await this.write([{ type, id, op: 'delete', ifMatch }]);
    return outcome.version;
  }

  /**
   * One page of live resources meeting every condition, in the requested order, and (when asked) their total: from
   * the page itself when the whole result fits on a first page, else counted.
   */
  async search(type: string, conditions: SearchCondition[], query: SearchQuery): Promise<SearchPage> {
    const drive = this.rules.drive;
    return after(drive.page ? this.mostSelective(type, conditions) : undefined, (pageDriver) => {
      const q = searchSql(type, conditions, this.dialect, query, pageDriver);
      const count = (): Maybe<number> =>
        drive.page
          ? this.total(q.count)
          : after(this.mostSelective(type, conditions), (driver) =>
              this.total(searchSql(type, conditions, this.dialect, query, driver).count),
            );
      if (query.count === 0) {
        return after(query.total ? count() : undefined, (total) => ({ total, entries: [], more: false }));
      }
      return after(this.pageRows(type, conditions, query, q.page), (rows) => this.page(rows, q.keys, query, count));
    });
  }

  /** The rows of a page (`count + 1` at most): `page` as it is, unless the engine knows a cheaper way. */
  protected pageRows(
    _type: string,
    _conditions: SearchCondition[],
    _query: SearchQuery,
    page: SqlFragment,
  ): Maybe<Record<string, unknown>[]> {
    return this.sql.all<Record<string, unknown>>(page.sql, page.params);
  }

  /** Whether a live resource meets a condition (compartment membership of a stored resource). */
  async matches(type: string, id: string, condition: SearchCondition): Promise<boolean> {
    const c = conditionSql(type, condition, this.dialect, 'exists');
    const sql = `SELECT 1 AS hit FROM ${FHIR_TABLES.resource} r WHERE r.resource_type = ? AND r.id = ? AND r.deleted = 0 AND ${c.sql} LIMIT 1`;
    return after(this.sql.get(sql, [type, id, ...c.params]), (row) => row !== undefined);
  }

  /** The targets the reference parameters of some resources point to (`_include`). */
  async referencesFrom(
    type: string,
    ids: readonly string[],
    params: readonly string[] | null,
  ): Promise<{ targetType: string; targetId: string }[]> {
    if (ids.length === 0) return [];
    const q = referencesFromSql(type, ids, params);
    return after(this.sql.all<{ target_type: string; target_id: string }>(q.sql, q.params), (rows) =>
      rows.map((r) => ({ targetType: r.target_type, targetId: r.target_id })),
    );
  }

  /** Versions newest first, `count + 1` at most (the extra one tells that another page follows). */
  async history(query: HistoryQuery): Promise<HistoryVersion[]> {
    const q = historySql(query);
    return after(this.sql.all<HistoryRow>(q.sql, q.params), (rows) =>
      rows.map((row) => ({ ...toStoredVersion(row.id, row), type: row.resource_type })),
    );
  }

  async historyCount(query: HistoryQuery): Promise<number> {
    return this.total(historySql(query, true));
  }

  private total(q: SqlFragment): Maybe<number> {
    return after(this.sql.get<{ total: number | string }>(q.sql, q.params), (row) => Number(row!.total));
  }

  /** The entries of a page from its rows, and the total when asked (`count` only when the rows do not tell it). */
  private page(
    rows: Record<string, unknown>[],
    keys: number,
    query: SearchQuery,
    count: () => Maybe<number>,
  ): Maybe<SearchPage> {
    const more = rows.length > query.count;
    const entries = rows.slice(0, query.count).map((r) => ({
      id: r.id as string,
      content: contentText(r.content) ?? 'null',
      key: keyNames(keys).map((k) => r[k] ?? null),
    }));
    if (query.cursor?.direction === 'before') entries.reverse();
    if (!query.total) return { total: undefined, entries, more };
    const whole = !query.cursor && !more && (rows.length > 0 || query.offset === 0);
    if (whole) return { total: query.offset + rows.length, entries, more };
    return after(count(), (total) => ({ total, entries, more }));
  }

  /** The index condition that drives a search (see DialectRules.drive); counted, not guessed. */
  private mostSelective(type: string, conditions: SearchCondition[]): Maybe<SearchCondition | undefined> {
    const { probe, limit } = this.rules.drive;
    const candidates: { condition: SearchCondition; index: SqlFragment }[] = [];
    for (const condition of conditions) {
      const index = indexSql(type, condition, this.dialect);
      if (index) candidates.push({ condition, index });
    }
    if (limit === undefined && candidates.length <= 1) return candidates[0]?.condition;
    let best: { condition: SearchCondition; rows: number } | undefined;
    const counted = each(candidates, ({ condition, index }) =>
      after(
        this.sql.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${index.sql} LIMIT ${probe}) p`, index.params),
        (row) => {
          const rows = Number(row!.n);
          if ((limit === undefined || rows <= limit) && (!best || rows < best.rows)) best = { condition, rows };
          return rows === 0;
        },
      ),
    );
    return after(counted, () => best?.condition);
  }

  /** The current rows a write replaces (locked, where the engine wants it), keyed `type/id`. */
  private currentRows(tx: SqlReader, requests: readonly WriteRequest[]): Maybe<Map<string, StoredVersion>> {
    const byType = new Map<string, string[]>();
    for (const r of requests) {
      if (r.fresh) continue;
      const ids = byType.get(r.type);
      if (ids) ids.push(r.id);
      else byType.set(r.type, [r.id]);
    }
    const { readChunk, lock } = this.rules;
    const reads: { type: string; ids: string[] }[] = [];
    for (const [type, ids] of byType) {
      if (lock) ids.sort();
      for (let i = 0; i < ids.length; i += readChunk) reads.push({ type, ids: ids.slice(i, i + readChunk) });
    }
    const current = new Map<string, StoredVersion>();
    const read = each(reads, ({ type, ids }) => {
      const sql = (ids.length === 1 ? SELECT_CURRENT : selectCurrentMany(ids.length)) + lock;
      return after(tx.all<CurrentRow>(sql, [type, ...ids]), (rows) => {
        for (const row of rows) current.set(`${type}/${row.id}`, toStoredVersion(row.id, row));
      });
    });
    return after(read, () => current);
  }

  /** The statements of a planned write: replaced index rows out, then resource, history and index rows in. */
  private statements(batch: WriteBatch): SqlBatch[] {
    const out: SqlBatch[] = [];
    const { clearChunk } = this.rules;
    for (const [type, ids] of batch.clear) {
      for (const table of INDEX_TABLE_KEYS) {
        const del = `DELETE FROM ${FHIR_TABLES[table]} WHERE resource_type = ? AND resource_id`;
        const one = `${del} = ?`;
        for (let i = 0; i < ids.length; i += clearChunk) {
          const chunk = ids.slice(i, i + clearChunk);
          addStatement(out, chunk.length === 1 ? one : `${del} IN (${placeholders(chunk.length)})`, [type, ...chunk]);
        }
      }
    }
    const upsert = this.rules.upsert(RESOURCE_COLUMNS.filter((c) => c !== 'resource_type' && c !== 'id'));
    this.inserts(out, FHIR_TABLES.resource, RESOURCE_COLUMNS, batch.resources, upsert);
    this.inserts(out, FHIR_TABLES.history, HISTORY_COLUMNS, batch.history);
    for (const [table, rows] of batch.index) this.inserts(out, FHIR_TABLES[table], INDEX_COLUMNS[table], rows);
    return out;
  }

  private inserts(out: SqlBatch[], table: string, columns: readonly string[], rows: unknown[][], suffix = ''): void {
    if (rows.length === 0) return;
    const sqlFor = insertSql(table, columns);
    const perStatement = this.rules.insertRows(columns.length);
    if (perStatement === 1) {
      out.push({ sql: sqlFor(1) + suffix, rows });
      return;
    }
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      out.push({ sql: sqlFor(chunk.length) + suffix, rows: [chunk.flat()] });
    }
  }
}

/** SQL of `referencesFrom`. */
export function referencesFromSql(
  type: string,
  ids: readonly string[],
  params: readonly string[] | null,
): { sql: string; params: unknown[] } {
  const paramSql = params ? ` AND param IN (${params.map(() => '?').join(', ')})` : '';
  return {
    sql: `SELECT DISTINCT target_type, target_id FROM ${FHIR_TABLES.reference} WHERE resource_type = ? AND resource_id IN (${ids.map(() => '?').join(', ')})${paramSql}`,
    params: [type, ...ids, ...(params ?? [])],
  };
}
