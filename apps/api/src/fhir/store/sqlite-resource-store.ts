import type { DataSource } from 'typeorm';
import { Maybe, SqliteRunner, SqlRunner } from '../../database/driver-adapter';
import { DialectRules, ResourceStore } from './resource-store';

/**
 * Up to this many index rows, a condition drives the search (see searchSql); past it, walking the type in page order
 * and probing each resource is cheaper on SQLite (measured at 100,000 patients: 0.2 ms vs 20 ms for one match).
 */
const DRIVE_LIMIT = 2000;

const SQLITE: DialectRules = {
  // SQLite allows 32,766 host parameters.
  readChunk: 500,
  // One writer: a transaction runs start to commit without yielding.
  lock: '',
  // A statement prepared once and run per row costs less than building and preparing a statement per batch.
  clearChunk: 1,
  insertRows: () => 1,
  upsert: (columns) =>
    ` ON CONFLICT(resource_type, id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  drive: { page: true, probe: DRIVE_LIMIT + 1, limit: DRIVE_LIMIT },
};

/**
 * The store on embedded SQLite, through the better-sqlite3 connection TypeORM opened. Statements run synchronously
 * and are prepared once; a write transaction runs start to commit without yielding, so requests that share the one
 * connection can never interleave inside it.
 */
export class SqliteResourceStore extends ResourceStore {
  readonly dialect = 'sqlite' as const;
  protected readonly rules = SQLITE;
  protected readonly sql: SqliteRunner;

  constructor(dataSource: DataSource) {
    super();
    this.sql = new SqliteRunner(dataSource);
  }

  /** The body answers at once on this runner (better-sqlite3 refuses a transaction function returning a promise). */
  protected transaction<T>(body: (tx: SqlRunner) => Maybe<T>): Promise<T> {
    return this.sql.transaction(() => body(this.sql) as T);
  }
}
