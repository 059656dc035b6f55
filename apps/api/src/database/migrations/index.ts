import type { MigrationInterface } from 'typeorm';
import { Init1795434485555 } from './1795434485555-init';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Init1795434485555];
