import type { MigrationInterface } from 'typeorm';
import { RefreshTokens1796515673486 } from './1796515673486-refresh-tokens';
import { PeopleAndCodes1796514705983 } from './1796514705983-people-and-codes';
import { Init1795438027490 } from './1795438027490-init';
import { CaseSensitiveIds1795440000000 } from './1795440000000-case-sensitive-ids';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Init1795438027490,
  CaseSensitiveIds1795440000000,
  PeopleAndCodes1796514705983,
  RefreshTokens1796515673486,
];
