import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The one place that reaches past TypeORM into the connection its driver opened (better-sqlite3's `Database`,
 * mysql2's callback pool), and the SQL runners built on them. better-sqlite3 answers synchronously, mysql2 through a
 * callback: a runner returns a value now or a promise of it (`Maybe`), and code written once over `after` and `each`
 * stays synchronous, with no await or promise per step, on SQLite.
 */

/** A value now (SQLite) or later (MySQL). */
export type Maybe<T> = T | Promise<T>;

/** `next(value)`, at once when the value is there, else once it is. */
export function after<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs `step` on each item in turn, each once the one before has finished; stops after a step that returns true. */
export function each<T>(items: readonly T[], step: (item: T) => Maybe<boolean | void>, from = 0): Maybe<void> {
  for (let i = from; i < items.length; i++) {
    const stop = step(items[i]);
    if (stop instanceof Promise) return stop.then((s) => (s ? undefined : each(items, step, i + 1)));
    if (stop) return;
  }
}

/** One statement, run once per parameter list in `rows`. */
export interface SqlBatch {
  sql: string;
  rows: unknown[][];
}

export interface SqlReader {
  all<T>(sql: string, params: readonly unknown[]): Maybe<T[]>;
  /** The first row. */
  get<T>(sql: string, params: readonly unknown[]): Maybe<T | undefined>;
}

export interface SqlRunner extends SqlReader {
  /** Runs the batches in order. */
  run(batches: readonly SqlBatch[]): Maybe<void>;
}

/** `INSERT INTO table (columns) VALUES (…), …` for `count` rows; names as the dialect wants them (escaped or not). */
export function insertSql(table: string, columns: readonly string[]): (count: number) => string {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const single = head + tuple;
  return (count) => (count === 1 ? single : head + new Array<string>(count).fill(tuple).join(', '));
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * SQL on the better-sqlite3 connection TypeORM opened: synchronous, each statement prepared once (the cache is
 * emptied past STATEMENT_CACHE_LIMIT distinct statements, as searches with long IN lists make new ones).
 */
export class SqliteRunner implements SqlRunner {
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(private readonly dataSource: DataSource) {}

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

  // An array binds as its elements (anonymous parameters), without spreading it into arguments.
  all<T>(sql: string, params: readonly unknown[]): T[] {
    return this.statement(sql).all(params) as T[];
  }

  get<T>(sql: string, params: readonly unknown[]): T | undefined {
    return this.statement(sql).get(params) as T | undefined;
  }

  run(batches: readonly SqlBatch[]): void {
    for (const { sql, rows } of batches) {
      const stmt = this.statement(sql);
      for (const row of rows) stmt.run(row);
    }
  }

  /** The batches in one (deferred) transaction. */
  runAtomically(batches: readonly SqlBatch[]): void {
    this.db.transaction(() => this.run(batches))();
  }

  /**
   * Runs `body` in an IMMEDIATE transaction, start to commit without yielding (so requests sharing the one connection
   * never interleave inside it). If a TypeORM transaction of another module is open on the shared connection, waits
   * for it to end first rather than nest inside it. better-sqlite3 refuses a body that returns a promise.
   */
  async transaction<T>(body: () => T): Promise<T> {
    while (this.db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
    return this.db.transaction(body).immediate();
  }
}

/** mysql2's per-query options: its timeout, and how a column's value is read. */
export interface MysqlQuery {
  sql: string;
  timeout?: number;
  typeCast?: TypeCast;
}
type TypeCast = (
  field: { type: string; extendedFormat?: string; string(encoding?: string): string | null },
  next: () => unknown,
) => unknown;
type QueryCallback = (err: Error | null, rows?: unknown) => void;

export interface MysqlConnection {
  query(sql: string | MysqlQuery, values: readonly unknown[], cb: QueryCallback): void;
  release(): void;
  destroy(): void;
}

/** The parts of mysql2's callback pool used here: no query runner per statement, no promise capturing a stack. */
export interface MysqlPool {
  query(sql: string | MysqlQuery, values: readonly unknown[], cb: QueryCallback): void;
  getConnection(cb: (err: Error | null, conn: MysqlConnection) => void): void;
}

/** The callback pool TypeORM's MySQL driver opened; undefined on another driver. */
export function mysqlPool(dataSource: DataSource): MysqlPool | undefined {
  return (dataSource.driver as unknown as { pool?: MysqlPool }).pool;
}

/**
 * Resource JSON comes back as the text stored: mysql2 would parse a JSON column (MariaDB flags LONGTEXT as json) only
 * for the caller to serialise it again.
 */
const JSON_AS_TEXT: TypeCast = (field, next) =>
  field.type === 'JSON' || field.extendedFormat === 'json' ? field.string('utf8') : next();

/**
 * Reads straight on the MySQL pool, text protocol: measured cheaper per request than server-side prepared statements
 * (0.13 against 0.17 ms of CPU per read by id), and without a TypeORM query runner per statement. JSON as text.
 */
export class MysqlPoolReader implements SqlReader {
  constructor(private readonly dataSource: DataSource) {}

  all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return new Promise((resolve, reject) => {
      mysqlPool(this.dataSource)!.query({ sql, typeCast: JSON_AS_TEXT }, params, (err, rows) =>
        err ? reject(err) : resolve(rows as T[]),
      );
    });
  }

  async get<T>(sql: string, params: readonly unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
}

/** SQL on one TypeORM query runner (a transaction's connection, with TypeORM's query timeout and logging). */
export function queryRunnerSql(runner: QueryRunner): SqlRunner {
  return {
    all: <T>(sql: string, params: readonly unknown[]) => runner.query(sql, params as unknown[]) as Promise<T[]>,
    get: async <T>(sql: string, params: readonly unknown[]) =>
      ((await runner.query(sql, params as unknown[])) as T[])[0],
    run: async (batches) => {
      for (const { sql, rows } of batches) for (const row of rows) await runner.query(sql, row);
    },
  };
}
