import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { insertSql, mysqlPool, MysqlQuery, SqlBatch, SqliteRunner } from './driver-adapter';
import { GroupCommitQueue } from './group-commit';
import { QUERY_TIMEOUT_MS, SQLITE_BUSY_TIMEOUT_MS } from './database-unavailable';

/**
 * Each statement of a batch is bounded, so a server that stops answering fails the batch (its callers get a 503)
 * instead of holding the group-commit queue; the pool (acquire bounded in DatabaseModule) drops dead connections,
 * so the next batch gets a fresh one.
 */
function bounded(sql: string): Sql {
  return { sql, timeout: QUERY_TIMEOUT_MS };
}

type Callback = (err: Error | null) => void;
/** A statement with mysql2's per-query timeout. */
type Sql = string | MysqlQuery;

/** A row converted for its table, not yet written: hand it to `FastInsertService.commit` (or `InsertTable.push`). */
export interface PendingRow {
  readonly table: InsertTable<ObjectLiteral>;
  readonly values: unknown[];
}

/** The group-committed inserts of one entity's table. */
export interface InsertTable<T extends ObjectLiteral> {
  /** The row converted for this table, to be committed later, possibly together with rows of other tables. */
  row(row: T): PendingRow;
  /** Durably inserts one row; resolves once the transaction holding it has committed. */
  push(row: T): Promise<void>;
  /** @internal the INSERT of `count` rows (MySQL takes them in one statement). */
  readonly sqlFor: (count: number) => string;
}

/**
 * Group-committed inserts for the rows every request writes (audit records, issued tokens). One queue serves every
 * table: the rows that arrive while a write is in flight are written together in the next transaction, whatever
 * their tables, so a token request's issued-token row and its audit record cost one commit (and, on a SQLite file,
 * one message to the writer thread). Values are converted by TypeORM's own driver (so reads through the entities
 * see what they expect) and statements are prepared once. On a SQLite file the writes run in a worker thread with
 * its own connection, off the event loop; each caller is answered only once the transaction holding its rows has
 * committed (nothing is acknowledged from memory alone).
 */
@Injectable()
export class FastInsertService implements OnApplicationShutdown {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly queue: GroupCommitQueue<PendingRow[]>;
  private readonly sqlite: boolean;
  /** An in-memory SQLite database lives in this thread's connection only: its rows are written here. */
  private readonly inMemory: SqliteRunner;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sqlite = config.database.type === 'sqlite';
    // SQLite has one writer; a MySQL server commits a few batches at once (and groups their log flushes).
    this.queue = new GroupCommitQueue<PendingRow[]>((units) => this.write(units), 1000, this.sqlite ? 1 : 4);
    this.inMemory = new SqliteRunner(dataSource);
  }

  /** The group-committed insert of `entity` rows (objects keyed by entity property names). */
  table<T extends ObjectLiteral>(entity: EntityTarget<T>): InsertTable<T> {
    const metadata = this.dataSource.getMetadata(entity);
    const columns = metadata.columns.filter((c) => !c.isVirtual && !c.isGenerated);
    const driver = this.dataSource.driver;
    const escape = (name: string) => driver.escape(name);
    const sqlFor = insertSql(
      escape(metadata.tableName),
      columns.map((c) => escape(c.databaseName)),
    );
    const table: InsertTable<T> = {
      row: (row) => ({
        table: table as unknown as InsertTable<ObjectLiteral>,
        values: columns.map((c) => driver.preparePersistentValue(row[c.propertyName as keyof T], c)),
      }),
      push: (row) => this.commit([table.row(row)]),
      sqlFor,
    };
    return table;
  }

  /** Durably inserts `rows` (of any tables) in one transaction; resolves once it has committed. */
  commit(rows: PendingRow[]): Promise<void> {
    return this.queue.push(rows);
  }

  /** After the HTTP server has closed (so no request still waits on a write): drain, then stop the writer. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.drain();
    if (this.worker) {
      const worker = this.worker;
      this.worker = null;
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'close' });
      });
    }
  }

  private write(units: PendingRow[][]): Promise<void> {
    const byTable = new Map<InsertTable<ObjectLiteral>, unknown[][]>();
    for (const unit of units) {
      for (const { table, values } of unit) {
        const rows = byTable.get(table);
        if (rows) rows.push(values);
        else byTable.set(table, [values]);
      }
    }
    const writes: SqlBatch[] = [];
    for (const [table, rows] of byTable) {
      writes.push(
        this.sqlite ? { sql: table.sqlFor(1), rows } : { sql: table.sqlFor(rows.length), rows: [rows.flat()] },
      );
    }
    return this.sqlite ? this.writeSqlite(writes) : this.writeMysql(writes);
  }

  /**
   * On the pool TypeORM's MySQL driver opened (mysql2's callback API): no query runner per statement and no promise
   * wrapper capturing a stack per query, which cost more than the INSERT on the event loop. Rows of several tables
   * share one transaction on one connection.
   */
  private writeMysql(writes: SqlBatch[]): Promise<void> {
    const pool = mysqlPool(this.dataSource)!;
    if (writes.length === 1) {
      return new Promise((resolve, reject) =>
        pool.query(bounded(writes[0].sql), writes[0].rows[0], (err) => (err ? reject(err) : resolve())),
      );
    }
    return new Promise((resolve, reject) => {
      pool.getConnection((err, conn) => {
        if (err) return reject(err);
        const run = (sql: string, values: unknown[], cb: Callback) => conn.query(bounded(sql), values, cb);
        // A statement that timed out may still be running on the server: that connection is not reused.
        const fail = (e: Error): void => {
          if ((e as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
            conn.destroy();
            return reject(e);
          }
          run('ROLLBACK', [], (r) => {
            if (r) conn.destroy();
            else conn.release();
            reject(e);
          });
        };
        run('START TRANSACTION', [], (e) => {
          if (e) return fail(e);
          const next = (i: number): void => {
            if (i === writes.length) {
              run('COMMIT', [], (c) => (c ? fail(c) : (conn.release(), resolve())));
              return;
            }
            run(writes[i].sql, writes[i].rows[0], (q) => (q ? fail(q) : next(i + 1)));
          };
          next(0);
        });
      });
    });
  }

  private writeSqlite(writes: SqlBatch[]): Promise<void> {
    const db = this.config.database;
    if (db.type === 'sqlite' && db.database !== ':memory:') return this.viaWorker(db.database, writes);
    this.inMemory.runAtomically(writes);
    return Promise.resolve();
  }

  private viaWorker(file: string, writes: SqlBatch[]): Promise<void> {
    if (!this.worker) {
      this.worker = new Worker(join(__dirname, 'sqlite-writer.worker.js'), {
        workerData: { file, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS },
      });
      this.worker.unref();
      this.worker.on('message', (m: { id: number; error?: string; code?: string }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        // The driver's code (SQLITE_BUSY…) travels with the message, so a locked file still reads as an outage.
        if (m.error) w?.reject(Object.assign(new Error(m.error), m.code ? { code: m.code } : {}));
        else w?.resolve();
      });
      this.worker.on('error', (e) => {
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
        this.worker = null;
      });
    }
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // One string crosses to the thread far cheaper than the structured clone of many small arrays; the values
      // are what the driver stores in SQLite (strings, numbers, null), which JSON carries exactly.
      this.worker!.postMessage({ id, writes: JSON.stringify(writes) });
    });
  }
}
