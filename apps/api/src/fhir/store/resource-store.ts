import { INDEX_TABLE_KEYS, IndexRows, IndexTableKey } from '../search/index-extractor';
import type { SearchCondition } from '../search/search-condition';
import type { PageRequest, SqlDialect } from '../search/search-sql';
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
  return `SELECT ${CURRENT_COLUMNS} FROM ${FHIR_TABLES.resource} WHERE resource_type = ? AND id IN (${Array(count).fill('?').join(', ')})`;
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
    sql: `SELECT h.resource_type AS resource_type, h.id AS id, h.version_id AS version_id, h.last_updated AS last_updated, h.deleted AS deleted, h.content AS content FROM ${FHIR_TABLES.history} h${all} ORDER BY ${order} LIMIT ?`,
    params: [...params, ...keyParams, q.count + 1],
  };
}

/**
 * The FHIR store: current resources, their history and their search indexes, on SQLite or MySQL/MariaDB.
 * Every write (resource rows, history rows, index rows) is one transaction.
 */
export abstract class ResourceStore {
  abstract readonly dialect: SqlDialect;

  /** The current version, by primary key (one query). */
  abstract read(type: string, id: string): Promise<StoredVersion | null>;

  abstract vread(type: string, id: string, versionId: number): Promise<StoredVersion | null>;

  /**
   * Writes resources all or nothing, in one transaction: the current rows are read (and locked, on MySQL), each request
   * is planned against its current version, and the rows go in as batches. Throws WriteConflict (or whatever a builder
   * throws) and writes nothing when any request fails.
   */
  abstract write(requests: WriteRequest[]): Promise<WriteOutcome[]>;

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

  /** One page of live resources meeting every condition, in the requested order, and (when asked) their total. */
  abstract search(type: string, conditions: SearchCondition[], query: SearchQuery): Promise<SearchPage>;

  /** Whether a live resource meets a condition (compartment membership of a stored resource). */
  abstract matches(type: string, id: string, condition: SearchCondition): Promise<boolean>;

  /** The targets the reference parameters of some resources point to (`_include`). */
  abstract referencesFrom(
    type: string,
    ids: readonly string[],
    params: readonly string[] | null,
  ): Promise<{ targetType: string; targetId: string }[]>;

  /** Versions newest first, `count + 1` at most (the extra one tells that another page follows). */
  abstract history(query: HistoryQuery): Promise<HistoryVersion[]>;

  abstract historyCount(query: HistoryQuery): Promise<number>;
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
