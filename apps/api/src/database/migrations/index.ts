import type { MigrationInterface } from 'typeorm';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [];
