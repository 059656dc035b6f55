import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { SearchCondition } from '../search/search-condition';
import { conditionSql, indexSql, searchSql } from '../search/search-sql';
import { FHIR_TABLES } from './fhir-tables';
import {
  planDelete,
  planPut,
  RawVersionRow,
  ResourceStore,
  SearchPage,
  SELECT_CURRENT,
  SELECT_VERSION,
  StoredVersion,
  toStoredVersion,
  VersionBuilder,
  WriteOp,
  WritePlan,
} from './resource-store';

const STATEMENT_CACHE_LIMIT = 500;
/**
 * Up to this many index rows, a condition drives the search (see searchSql); past it, walking the type in page order
 * and probing each resource is cheaper on SQLite (measured at 100,000 patients: 0.2 ms vs 20 ms for one match).
 */
const DRIVE_LIMIT = 2000;

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

  private run(op: WriteOp): void {
    if (op.kind === 'sql') {
      this.statement(op.sql).run(...op.params);
      return;
    }
    const insert = this.statement(
      `INSERT INTO ${op.table} (${op.columns.join(', ')}) VALUES (${op.columns.map(() => '?').join(', ')})`,
    );
    for (const row of op.rows) insert.run(...row);
  }

  /**
   * Runs `plan` in an IMMEDIATE transaction. If a TypeORM transaction of another module is open on the shared
   * connection, waits for it to end first rather than nest inside it.
   */
  private async write(plan: () => WritePlan): Promise<WritePlan> {
    while (this.db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return this.db
      .transaction(() => {
        const p = plan();
        for (const op of p.ops) this.run(op);
        return p;
      })
      .immediate();
  }

  private current(type: string, id: string): RawVersionRow | undefined {
    return this.statement(SELECT_CURRENT).get(type, id) as RawVersionRow | undefined;
  }

  async read(type: string, id: string): Promise<StoredVersion | null> {
    const row = this.current(type, id);
    return row ? toStoredVersion(id, row) : null;
  }

  async vread(type: string, id: string, versionId: number): Promise<StoredVersion | null> {
    const row = this.statement(SELECT_VERSION).get(type, id, versionId) as RawVersionRow | undefined;
    return row ? toStoredVersion(id, row) : null;
  }

  async put(type: string, id: string, build: VersionBuilder): Promise<{ version: StoredVersion; created: boolean }> {
    const plan = await this.write(() => {
      const row = this.current(type, id);
      return planPut(type, id, row ? toStoredVersion(id, row) : null, build);
    });
    return { version: plan.result!, created: plan.created };
  }

  async delete(type: string, id: string): Promise<StoredVersion | null> {
    const plan = await this.write(() => {
      const row = this.current(type, id);
      return planDelete(type, id, row ? toStoredVersion(id, row) : null);
    });
    return plan.result;
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

  async search(
    type: string,
    conditions: SearchCondition[],
    page: { count: number; offset: number },
  ): Promise<SearchPage> {
    const q = searchSql(type, conditions, this.dialect, page, this.driver(type, conditions));
    const { total } = this.statement(q.count.sql).get(...q.count.params) as { total: number };
    const entries =
      page.count > 0 && total > page.offset
        ? (this.statement(q.page.sql).all(...q.page.params) as { id: string; content: string }[])
        : [];
    return { total: Number(total), entries };
  }

  async matches(type: string, id: string, condition: SearchCondition): Promise<boolean> {
    const c = conditionSql(type, condition, this.dialect, 'exists');
    const sql = `SELECT 1 AS hit FROM ${FHIR_TABLES.resource} r WHERE r.resource_type = ? AND r.id = ? AND r.deleted = 0 AND ${c.sql} LIMIT 1`;
    return this.statement(sql).get(type, id, ...c.params) !== undefined;
  }
}
