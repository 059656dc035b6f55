import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { INDEX_TABLE_KEYS } from '../search/index-extractor';
import { SearchCondition } from '../search/search-condition';
import { conditionSql, indexSql, searchSql } from '../search/search-sql';
import { FHIR_TABLES } from './fhir-tables';
import {
  assertDistinct,
  HISTORY_COLUMNS,
  historySql,
  HistoryQuery,
  HistoryVersion,
  INDEX_COLUMNS,
  keyNames,
  nowInstant,
  RawVersionRow,
  referencesFromSql,
  RESOURCE_COLUMNS,
  ResourceStore,
  SearchPage,
  SearchQuery,
  SELECT_CURRENT,
  SELECT_VERSION,
  selectCurrentMany,
  StoredVersion,
  toStoredVersion,
  WriteBatch,
  WriteOutcome,
  WriteRequest,
} from './resource-store';

const STATEMENT_CACHE_LIMIT = 500;
/**
 * Up to this many index rows, a condition drives the search (see searchSql); past it, walking the type in page order
 * and probing each resource is cheaper on SQLite (measured at 100,000 patients: 0.2 ms vs 20 ms for one match).
 */
const DRIVE_LIMIT = 2000;
/** Ids per `IN (…)` when reading current rows (SQLite allows 32,766 host parameters). */
const READ_CHUNK = 500;

/**
 * The store on embedded SQLite, through the better-sqlite3 connection TypeORM opened. Statements run synchronously
 * and are prepared once; a write transaction runs start to commit without yielding, so requests that share the one
 * connection can never interleave inside it.
 */
export class SqliteResourceStore extends ResourceStore {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get db(): Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  }

  private statement(sql: string): Statement<unknown[], unknown> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear();
      stmt = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private insert(table: string, columns: readonly string[], rows: unknown[][], upsert = false): void {
    if (rows.length === 0) return;
    const conflict = upsert
      ? ` ON CONFLICT(resource_type, id) DO UPDATE SET ${columns
          .filter((c) => c !== 'resource_type' && c !== 'id')
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`
      : '';
    const stmt = this.statement(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${conflict}`,
    );
    for (const row of rows) stmt.run(...row);
  }

  /**
   * Runs `body` in an IMMEDIATE transaction. If a TypeORM transaction of another module is open on the shared
   * connection, waits for it to end first rather than nest inside it.
   */
  private async transaction<T>(body: () => T): Promise<T> {
    while (this.db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return this.db.transaction(body).immediate();
  }

  private currentRows(requests: readonly WriteRequest[]): Map<string, StoredVersion> {
    const byType = new Map<string, string[]>();
    for (const r of requests) {
      if (r.fresh) continue;
      const ids = byType.get(r.type);
      if (ids) ids.push(r.id);
      else byType.set(r.type, [r.id]);
    }
    const current = new Map<string, StoredVersion>();
    for (const [type, ids] of byType) {
      for (let i = 0; i < ids.length; i += READ_CHUNK) {
        const chunk = ids.slice(i, i + READ_CHUNK);
        const rows = (
          chunk.length === 1
            ? this.statement(SELECT_CURRENT).all(type, chunk[0])
            : this.statement(selectCurrentMany(chunk.length)).all(type, ...chunk)
        ) as (RawVersionRow & { id: string })[];
        for (const row of rows) current.set(`${type}/${row.id}`, toStoredVersion(row.id, row));
      }
    }
    return current;
  }

  async write(requests: WriteRequest[]): Promise<WriteOutcome[]> {
    assertDistinct(requests);
    return this.transaction(() => {
      const current = this.currentRows(requests);
      const batch = new WriteBatch();
      const lastUpdated = nowInstant();
      const outcomes = requests.map((r) => batch.plan(r, current.get(`${r.type}/${r.id}`) ?? null, lastUpdated));
      for (const [type, ids] of batch.clear) {
        for (const table of INDEX_TABLE_KEYS) {
          const del = this.statement(`DELETE FROM ${FHIR_TABLES[table]} WHERE resource_type = ? AND resource_id = ?`);
          for (const id of ids) del.run(type, id);
        }
      }
      this.insert(FHIR_TABLES.resource, RESOURCE_COLUMNS, batch.resources, true);
      this.insert(FHIR_TABLES.history, HISTORY_COLUMNS, batch.history);
      for (const [table, rows] of batch.index) this.insert(FHIR_TABLES[table], INDEX_COLUMNS[table], rows);
      return outcomes;
    });
  }

  async read(type: string, id: string): Promise<StoredVersion | null> {
    const row = this.statement(SELECT_CURRENT).get(type, id) as RawVersionRow | undefined;
    return row ? toStoredVersion(id, row) : null;
  }

  async vread(type: string, id: string, versionId: number): Promise<StoredVersion | null> {
    const row = this.statement(SELECT_VERSION).get(type, id, versionId) as RawVersionRow | undefined;
    return row ? toStoredVersion(id, row) : null;
  }

  /** The most selective index condition, if it selects few enough rows to drive the search; counted, not guessed. */
  private driver(type: string, conditions: SearchCondition[]): SearchCondition | undefined {
    let best: { condition: SearchCondition; rows: number } | undefined;
    for (const condition of conditions) {
      const index = indexSql(type, condition, this.dialect);
      if (!index) continue;
      const { rows } = this.statement(`SELECT COUNT(*) AS rows FROM (${index.sql} LIMIT ${DRIVE_LIMIT + 1})`).get(
        ...index.params,
      ) as { rows: number };
      if (rows <= DRIVE_LIMIT && (!best || rows < best.rows)) best = { condition, rows };
      if (rows === 0) break;
    }
    return best?.condition;
  }

  /** A page, and the total: from the page itself when the whole result fits on a first page, else counted. */
  async search(type: string, conditions: SearchCondition[], query: SearchQuery): Promise<SearchPage> {
    const q = searchSql(type, conditions, this.dialect, query, this.driver(type, conditions));
    const count = () => Number((this.statement(q.count.sql).get(...q.count.params) as { total: number }).total);
    if (query.count === 0) return { total: query.total ? count() : undefined, entries: [], more: false };
    const rows = this.statement(q.page.sql).all(...q.page.params) as Record<string, unknown>[];
    const more = rows.length > query.count;
    let total: number | undefined;
    if (query.total) {
      const whole = !query.cursor && !more && (rows.length > 0 || query.offset === 0);
      total = whole ? query.offset + rows.length : count();
    }
    const page = rows.slice(0, query.count).map((r) => ({
      id: r.id as string,
      content: r.content as string,
      key: keyNames(q.keys).map((k) => r[k] ?? null),
    }));
    if (query.cursor?.direction === 'before') page.reverse();
    return { total, entries: page, more };
  }

  async matches(type: string, id: string, condition: SearchCondition): Promise<boolean> {
    const c = conditionSql(type, condition, this.dialect, 'exists');
    const sql = `SELECT 1 AS hit FROM ${FHIR_TABLES.resource} r WHERE r.resource_type = ? AND r.id = ? AND r.deleted = 0 AND ${c.sql} LIMIT 1`;
    return this.statement(sql).get(type, id, ...c.params) !== undefined;
  }

  async referencesFrom(
    type: string,
    ids: readonly string[],
    params: readonly string[] | null,
  ): Promise<{ targetType: string; targetId: string }[]> {
    if (ids.length === 0) return [];
    const q = referencesFromSql(type, ids, params);
    return (this.statement(q.sql).all(...q.params) as { target_type: string; target_id: string }[]).map((r) => ({
      targetType: r.target_type,
      targetId: r.target_id,
    }));
  }

  async history(query: HistoryQuery): Promise<HistoryVersion[]> {
    const q = historySql(query);
    return (this.statement(q.sql).all(...q.params) as (RawVersionRow & { id: string; resource_type: string })[]).map(
      (row) => ({ ...toStoredVersion(row.id, row), type: row.resource_type }),
    );
  }

  async historyCount(query: HistoryQuery): Promise<number> {
    const q = historySql(query, true);
    return Number((this.statement(q.sql).get(...q.params) as { total: number }).total);
  }
}
