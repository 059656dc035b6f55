import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

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
        conn.pragma('busy_timeout = 5000');
      },
      logging: ['error'],
    };
  }
  return {
    type: 'mysql',
    url: db.url,
    autoLoadEntities: true,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    extra: { connectionLimit: 32, enableKeepAlive: true },
    logging: ['error'],
  };
}

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: DatabaseModule, imports: [TypeOrmModule.forRoot(dataSourceOptions(config))] };
  }
}
