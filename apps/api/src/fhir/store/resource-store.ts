import type { IndexRows } from '../search/index-extractor';
import type { SearchCondition } from '../search/search-condition';
import type { SqlDialect } from '../search/search-sql';
import { FHIR_TABLES } from './fhir-tables';

/** One version of a resource as stored. `content` is the JSON text served for it (null for a deletion). */
export interface StoredVersion {
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  content: string | null;
}

/** What the service hands the store for a new version: the final JSON and its index rows. */
export interface PreparedVersion {
  content: string;
  rows: IndexRows;
}

/** Builds the new version once the store knows its number and time (inside the write transaction). */
export type VersionBuilder = (versionId: number, lastUpdated: string) => PreparedVersion;

export interface SearchPage {
  total: number;
  entries: { id: string; content: string }[];
}

/** The current row of a resource as the write transaction sees it. */
export interface CurrentRow {
  versionId: number;
  deleted: boolean;
}

/** A write step: plain SQL, or rows for one table (each engine batches them its own way). */
export type WriteOp =
  | { kind: 'sql'; sql: string; params: unknown[] }
  | { kind: 'rows'; table: string; columns: readonly string[]; rows: unknown[][] };

export interface WritePlan {
  ops: WriteOp[];
  result: StoredVersion | null;
  created: boolean;
}

const INDEX_COLUMNS = {
  token: ['resource_type', 'resource_id', 'param', 'token_system', 'token_code'],
  string: ['resource_type', 'resource_id', 'param', 'value_normalized', 'value_exact'],
  date: ['resource_type', 'resource_id', 'param', 'range_low', 'range_high'],
  reference: ['resource_type', 'resource_id', 'param', 'target_type', 'target_id'],
} as const;
const INDEX_TABLES = ['token', 'string', 'date', 'reference'] as const;
const HISTORY_COLUMNS = ['resource_type', 'id', 'version_id', 'last_updated', 'deleted', 'content'] as const;

export const SELECT_CURRENT = `SELECT version_id, last_updated, deleted, content FROM ${FHIR_TABLES.resource} WHERE resource_type = ? AND id = ?`;
export const SELECT_VERSION = `SELECT version_id, last_updated, deleted, content FROM ${FHIR_TABLES.history} WHERE resource_type = ? AND id = ? AND version_id = ?`;

/** Current time as the fixed-width ISO instant used for meta.lastUpdated and the last_updated columns. */
export function nowInstant(): string {
  return new Date().toISOString();
}

function indexOps(type: string, id: string, rows: IndexRows): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const table of INDEX_TABLES) {
    if (rows[table].length === 0) continue;
    const values: unknown[][] =
      table === 'token'
        ? rows.token.map((r) => [type, id, r.param, r.system, r.code])
        : table === 'string'
          ? rows.string.map((r) => [type, id, r.param, r.value, r.exact])
          : table === 'date'
            ? rows.date.map((r) => [type, id, r.param, r.low, r.high])
            : rows.reference.map((r) => [type, id, r.param, r.targetType, r.targetId]);
    ops.push({ kind: 'rows', table: FHIR_TABLES[table], columns: INDEX_COLUMNS[table], rows: values });
  }
  return ops;
}

function clearIndexOps(type: string, id: string): WriteOp[] {
  return INDEX_TABLES.map((t) => ({
    kind: 'sql',
    sql: `DELETE FROM ${FHIR_TABLES[t]} WHERE resource_type = ? AND resource_id = ?`,
    params: [type, id],
  }));
}

function historyOp(type: string, v: StoredVersion): WriteOp {
  return {
    kind: 'rows',
    table: FHIR_TABLES.history,
    columns: HISTORY_COLUMNS,
    rows: [[type, v.id, v.versionId, v.lastUpdated, v.deleted ? 1 : 0, v.content]],
  };
}

/**
 * The writes of a create or update (FHIR R4 http.html#update: update of an unknown id creates it). Runs inside the
 * engine's transaction, after the current row was read (and locked, on MySQL).
 */
export function planPut(
  type: string,
  id: string,
  current: CurrentRow | null,
  build: VersionBuilder,
  lastUpdated = nowInstant(),
): WritePlan {
  const versionId = current ? current.versionId + 1 : 1;
  const prepared = build(versionId, lastUpdated);
  const version: StoredVersion = { id, versionId, lastUpdated, deleted: false, content: prepared.content };
  const ops: WriteOp[] = current
    ? [
        {
          kind: 'sql',
          sql: `UPDATE ${FHIR_TABLES.resource} SET version_id = ?, last_updated = ?, deleted = 0, content = ? WHERE resource_type = ? AND id = ?`,
          params: [versionId, lastUpdated, prepared.content, type, id],
        },
        ...clearIndexOps(type, id),
      ]
    : [
        {
          kind: 'rows',
          table: FHIR_TABLES.resource,
          columns: ['resource_type', 'id', 'version_id', 'last_updated', 'deleted', 'content'],
          rows: [[type, id, versionId, lastUpdated, 0, prepared.content]],
        },
      ];
  ops.push(historyOp(type, version), ...indexOps(type, id, prepared.rows));
  return { ops, result: version, created: current === null };
}

/**
 * The writes of a delete (FHIR R4 http.html#delete): a new version marked deleted, no content, no index rows.
 * Deleting a deleted resource changes nothing; an unknown one has no result.
 */
export function planDelete(
  type: string,
  id: string,
  current: (CurrentRow & { lastUpdated: string }) | null,
  lastUpdated = nowInstant(),
): WritePlan {
  if (!current) return { ops: [], result: null, created: false };
  if (current.deleted)
    return {
      ops: [],
      result: { id, versionId: current.versionId, lastUpdated: current.lastUpdated, deleted: true, content: null },
      created: false,
    };
  const version: StoredVersion = { id, versionId: current.versionId + 1, lastUpdated, deleted: true, content: null };
  const ops: WriteOp[] = [
    {
      kind: 'sql',
      sql: `UPDATE ${FHIR_TABLES.resource} SET version_id = ?, last_updated = ?, deleted = 1, content = NULL WHERE resource_type = ? AND id = ?`,
      params: [version.versionId, lastUpdated, type, id],
    },
    ...clearIndexOps(type, id),
    historyOp(type, version),
  ];
  return { ops, result: version, created: false };
}

/** A row as either driver returns it. `content` is text on SQLite and MariaDB, parsed JSON from a MySQL 8 JSON column. */
export interface RawVersionRow {
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

/**
 * The FHIR store: current resources, their history and their search indexes, on SQLite or MySQL/MariaDB.
 * Every write (resource row, history row, index rows) is one transaction.
 */
export abstract class ResourceStore {
  abstract readonly dialect: SqlDialect;

  /** The current version, by primary key (one query). */
  abstract read(type: string, id: string): Promise<StoredVersion | null>;

  abstract vread(type: string, id: string, versionId: number): Promise<StoredVersion | null>;

  /** Creates or replaces a resource; `created` tells which. */
  abstract put(type: string, id: string, build: VersionBuilder): Promise<{ version: StoredVersion; created: boolean }>;

  /** Marks a resource deleted; null when it never existed. */
  abstract delete(type: string, id: string): Promise<StoredVersion | null>;

  /** One page of live resources meeting every condition, in (last_updated, id) order, and their total. */
  abstract search(
    type: string,
    conditions: SearchCondition[],
    page: { count: number; offset: number },
  ): Promise<SearchPage>;

  /** Whether a live resource meets a condition (compartment membership of a stored resource). */
  abstract matches(type: string, id: string, condition: SearchCondition): Promise<boolean>;
}
