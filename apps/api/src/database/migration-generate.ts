/**
 * Writes a TypeORM migration for MySQL/MariaDB holding whatever the entities need beyond the existing migrations:
 *   npm run build && node apps/api/dist/database/migration-generate.js <Name>
 * It boots the API on in-memory SQLite only to collect the entities, applies the existing migrations to a scratch
 * database on TEST_MYSQL_URL's server, and diffs (the same comparison the entities-vs-migrations test makes).
 */
import 'reflect-metadata';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import { createApp } from '../app.factory';
import { MIGRATIONS } from './migrations';
import { mysqlFlavor, mysqlOptions } from './database.module';

async function main(): Promise<void> {
  const name = process.argv[2];
  const serverUrl = process.env.TEST_MYSQL_URL;
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name) || !serverUrl) {
    throw new Error(
      'usage: TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test node migration-generate.js <PascalCaseName>',
    );
  }
  const { app } = await createApp({
    DATABASE_URL: 'sqlite::memory:',
    NODE_ENV: 'test',
    DEMO_MODE: 'false',
    // Required outside demo mode; this throwaway in-memory instance only lists the entities.
    CLIENT_SECRET_PEPPER: 'migration-generator-throwaway-pepper-0000',
    LOG_LEVEL: 'warn',
    ADMIN_STATIC_DIR: '',
  });
  const entities = app.get(DataSource).entityMetadatas.map((m) => m.target);
  await app.close();

  const scratch = `ccri_migration_${Date.now()}`;
  const base = new URL(serverUrl);
  const admin = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await admin.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  try {
    base.pathname = `/${scratch}`;
    const url = base.toString();
    const ds = new DataSource({
      ...mysqlOptions(),
      type: await mysqlFlavor(url),
      url,
      entities,
      migrations: MIGRATIONS,
      migrationsRun: false,
    });
    await ds.initialize();
    await ds.runMigrations();
    const sql = await ds.driver.createSchemaBuilder().log();
    await ds.destroy();
    if (sql.upQueries.length === 0) {
      process.stdout.write('The migrations already match the entities; nothing to write.\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const q = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const down = [...sql.downQueries]
      .reverse()
      .map((x) => `    await queryRunner.query(${q(x.query)});`)
      .join('\n');
    const file = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`;
    const dir = join(__dirname, '../../src/database/migrations');
    const fileName = `${timestamp}-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.ts`;
    writeFileSync(join(dir, fileName), file);
    const indexPath = join(dir, 'index.ts');
    const index = readFileSync(indexPath, 'utf8')
      .replace(
        /^(import type \{ MigrationInterface \} from 'typeorm';\n)/m,
        `$1import { ${className} } from './${fileName.replace(/\.ts$/, '')}';\n`,
      )
      .replace(
        /= \[([^\]]*)\];/,
        (_m, list: string) =>
          `= [${[
            ...list
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            className,
          ].join(', ')}];`,
      );
    writeFileSync(indexPath, index);
    process.stdout.write(`Wrote src/database/migrations/${fileName} (${sql.upQueries.length} statements)\n`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
