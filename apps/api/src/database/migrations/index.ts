import type { MigrationInterface } from 'typeorm';
import { Init1795433436178 } from './1795433436178-init';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Init1795433436178];
