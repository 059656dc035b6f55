import type { MigrationInterface } from 'typeorm';
import { Init1795430100883 } from './1795430100883-init';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Init1795430100883];
