import type { MigrationInterface } from 'typeorm';
import { ClusterLocks1796516461947 } from './1796516461947-cluster-locks';
import { PeopleAndCodes1796514705983 } from './1796514705983-people-and-codes';
import { Init1795438027490 } from './1795438027490-init';
import { CaseSensitiveIds1795440000000 } from './1795440000000-case-sensitive-ids';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Init1795438027490,
  CaseSensitiveIds1795440000000,
  PeopleAndCodes1796514705983,
  ClusterLocks1796516461947,
];
