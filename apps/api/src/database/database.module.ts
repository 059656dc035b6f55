import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import type { AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';
import { mysqlPool } from './driver-adapter';
import { FastInsertService } from './fast-insert.service';
import {
  ACQUIRE_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  PoolAcquireTimeoutError,
  QUERY_TIMEOUT_MS,
  SQLITE_BUSY_TIMEOUT_MS,
} from './database-unavailable';

/**
 * TypeORM on embedded SQLite (schema synchronised from the entities) or MySQL/MariaDB (schema only through migrations).
 */
export function dataSourceOptions(config: AppConfig): TypeOrmModuleOptions {
  const db = config.database;
  if (db.type === 'sqlite') {
    if (db.database !== ':memory:') mkdirSync(dirname(db.database), { recursive: true });
    return {
      type: 'better-sqlite3',
      database: db.database,
      autoLoadEntities: true,
      synchronize: true,
      enableWAL: db.database !== ':memory:',
      // WAL with synchronous=NORMAL keeps every committed transaction across a crash of the process (kill -9).
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('synchronous = NORMAL');
        // A locked file fails (SQLITE_BUSY: a 503 with Retry-After) before the 5 s a request may take.
        conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      },
      logging: false,
    };
  }
  return {
    type: 'mysql',
    url: db.url,
    ...mysqlOptions(db.poolSize),
  };
}

/** Options shared by MySQL and MariaDB connections (also used by the migration generator). */
export function mysqlOptions(poolSize = 20) {
  return {
    autoLoadEntities: true,
    synchronize: false,
    migrations: MIGRATIONS,
    // Run by runMigrationsExclusively once the connection is up, not by TypeORM's initialize.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    // A connect to a server that is gone (no RST) fails within CONNECT_TIMEOUT_MS instead of mysql2's 10 s.
    extra: { connectionLimit: poolSize, enableKeepAlive: true, connectTimeout: CONNECT_TIMEOUT_MS },
    logging: false,
  };
}

/** How long an instance waits for another to finish migrating the same database before its start fails. */
const MIGRATION_LOCK_WAIT_SECONDS = 600;

/**
 * Applies the pending migrations while holding a named lock for this database (MySQL/MariaDB GET_LOCK), so that
 * replicas started together on a new or older database migrate it once: the first applies the migrations, the
 * others wait and then find nothing pending. Without it each replica ran the same DDL, all but one failed with
 * "table already exists" and started again; MySQL DDL is not transactional, so an ALTER run twice could fail half-way.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  // A lock name is server-wide and at most 64 characters: one per database, named by a hash of its name.
  const name = `CONCAT('ccri_migrations_', LEFT(SHA1(DATABASE()), 24))`;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query(`SELECT GET_LOCK(${name}, ?) AS got`, [MIGRATION_LOCK_WAIT_SECONDS])) as {
      got: number | string | null;
    }[];
    if (Number(row?.got) !== 1) {
      throw new Error(
        `Another instance kept the database's migration lock for more than ${MIGRATION_LOCK_WAIT_SECONDS} s`,
      );
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT RELEASE_LOCK(${name})`);
    }
  } finally {
    await runner.release();
  }
}

/**
 * MySQL and MariaDB describe columns differently (MariaDB reports a NULL default as the string 'NULL'), and
 * TypeORM compares schemas correctly only when told which one it talks to. Asks the server.
 */
export async function mysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  const u = new URL(url);
  const conn = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    connectTimeout: 10_000,
  });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            const options = dataSourceOptions(config);
            if (config.database.type !== 'mysql') return options;
            return { ...options, type: await mysqlFlavor(config.database.url) } as TypeOrmModuleOptions;
          },
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.database.type === 'mysql') {
              try {
                await runMigrationsExclusively(dataSource);
              } catch (e) {
                await dataSource.destroy();
                throw e;
              }
              boundMysqlCalls(dataSource);
            }
            return dataSource;
          },
        }),
      ],
      providers: [FastInsertService],
      exports: [FastInsertService],
    };
  }
}

/** The parts of mysql2's callback pool that `boundMysqlCalls` wraps. */
interface CallbackPool {
  getConnection(cb: (err: Error | null, conn?: { release(): void }) => void): void;
}

/**
 * Once the migrations have run (they may legitimately take longer), bounds every later query to QUERY_TIMEOUT_MS
 * (TypeORM passes it to mysql2 as the query's timeout) and every pool acquire to ACQUIRE_TIMEOUT_MS: mysql2 would
 * otherwise queue a caller forever while all connections are stuck. A connection that arrives after its caller gave
 * up goes straight back to the pool.
 */
export function boundMysqlCalls(dataSource: DataSource): void {
  const driverOptions = dataSource.driver.options as { enableQueryTimeout?: boolean; maxQueryExecutionTime?: number };
  driverOptions.enableQueryTimeout = true;
  driverOptions.maxQueryExecutionTime = QUERY_TIMEOUT_MS;
  // A query that timed out may still run on the server (or the server hangs): its connection is dropped at once,
  // so the transaction's ROLLBACK fails fast instead of waiting out another timeout behind it.
  const logger = dataSource.logger;
  const slowQueries = new Logger('Database');
  const bounded: TypeOrmLogger = Object.assign(Object.create(logger) as TypeOrmLogger, {
    logQueryError: (error: string | Error, query: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (typeof error === 'object' && (error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT')
        (runner as { databaseConnection?: { destroy?(): void } } | undefined)?.databaseConnection?.destroy?.();
      return logger.logQueryError(error, query, parameters, runner);
    },
    logQuerySlow: (time: number, query: string) => slowQueries.warn(`Query took ${time} ms: ${query.slice(0, 200)}`),
  });
  Object.defineProperty(dataSource, 'logger', { value: bounded, configurable: true, writable: true });
  const pool: CallbackPool | undefined = mysqlPool(dataSource);
  if (!pool) return;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      cb(new PoolAcquireTimeoutError(ACQUIRE_TIMEOUT_MS));
    }, ACQUIRE_TIMEOUT_MS);
    getConnection((err, conn) => {
      if (done) {
        conn?.release();
        return;
      }
      done = true;
      clearTimeout(timer);
      cb(err, conn);
    });
  };
}
