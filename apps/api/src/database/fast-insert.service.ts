import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GroupCommitQueue } from './group-commit';

type Writer = (sql: string, rows: unknown[][]) => Promise<void>;

/**
 * Group-committed inserts for the rows every request writes (audit records, issued tokens). Values are converted
 * by TypeORM's own driver (so reads through the entities see what they expect), but the statement is prepared once
 * instead of being built per batch. On a SQLite file the writes run in a worker thread with its own connection, off
 * the event loop; each caller is answered only once the transaction holding its row has committed.
 */
@Injectable()
export class FastInsertService implements OnModuleDestroy {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly queues: GroupCommitQueue<unknown>[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A group-commit queue of `entity` rows (objects keyed by entity property names). */
  queue<T extends ObjectLiteral>(entity: EntityTarget<T>): GroupCommitQueue<T> {
    const metadata = this.dataSource.getMetadata(entity);
    const columns = metadata.columns.filter((c) => !c.isVirtual && !c.isGenerated);
    const driver = this.dataSource.driver;
    const escape = (name: string) => driver.escape(name);
    const table = escape(metadata.tableName);
    const names = columns.map((c) => escape(c.databaseName)).join(', ');
    const convert = (row: T) => columns.map((c) => driver.preparePersistentValue(row[c.propertyName as keyof T], c));
    const sqlite = this.config.database.type === 'sqlite';
    const write = this.writer();
    const queue = new GroupCommitQueue<T>(async (rows) => {
      const values = rows.map(convert);
      if (sqlite) {
        await write(`INSERT INTO ${table} (${names}) VALUES (${columns.map(() => '?').join(', ')})`, values);
      } else {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        await write(`INSERT INTO ${table} (${names}) VALUES ${rows.map(() => tuple).join(', ')}`, [values.flat()]);
      }
    });
    this.queues.push(queue as GroupCommitQueue<unknown>);
    return queue;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.drain()));
    if (this.worker) {
      const worker = this.worker;
      this.worker = null;
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'close' });
      });
    }
  }

  private writer(): Writer {
    const db = this.config.database;
    if (db.type === 'sqlite' && db.database !== ':memory:')
      return (sql, rows) => this.viaWorker(db.database, sql, rows);
    if (db.type === 'sqlite') {
      // An in-memory database lives in this thread's connection only.
      const connection = (
        this.dataSource.driver as unknown as {
          databaseConnection: {
            prepare(sql: string): { run(...v: unknown[]): void };
            transaction(fn: () => void): () => void;
          };
        }
      ).databaseConnection;
      const statements = new Map<string, { run(...v: unknown[]): void }>();
      return async (sql, rows) => {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
        connection.transaction(() => {
          for (const row of rows) statement.run(...row);
        })();
      };
    }
    return async (sql, rows) => {
      await this.dataSource.query(sql, rows[0]);
    };
  }

  private viaWorker(file: string, sql: string, rows: unknown[][]): Promise<void> {
    if (!this.worker) {
      this.worker = new Worker(join(__dirname, 'sqlite-writer.worker.js'), { workerData: { file } });
      this.worker.unref();
      this.worker.on('message', (m: { id: number; error?: string }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error));
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
      this.worker!.postMessage({ id, sql, rows });
    });
  }
}
