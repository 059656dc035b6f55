import type { MigrationInterface } from 'typeorm';
import { Init1795438027490 } from './1795438027490-init';
import { CaseSensitiveIds1795440000000 } from './1795440000000-case-sensitive-ids';
import { PeopleAndCodes1796514705983 } from './1796514705983-people-and-codes';
import { LaunchContexts1796515528965 } from './1796515528965-launch-contexts';
import { RefreshTokens1796515673486 } from './1796515673486-refresh-tokens';
import { ClusterLocks1796516461947 } from './1796516461947-cluster-locks';
import { SharedRateLimits1796516975285 } from './1796516975285-shared-rate-limits';
import { SignInFailures1796518515496 } from './1796518515496-sign-in-failures';
import { Federation1796519638060 } from './1796519638060-federation';
import { RefreshTokenExpiryIndex1796526483654 } from './1796526483654-refresh-token-expiry-index';
import { BulkExportJobs1796527402704 } from './1796527402704-bulk-export-jobs';

/** MySQL/MariaDB schema history, oldest first. Generated with `npm run migration:generate` against a MariaDB. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Init1795438027490,
  CaseSensitiveIds1795440000000,
  PeopleAndCodes1796514705983,
  LaunchContexts1796515528965,
  RefreshTokens1796515673486,
  ClusterLocks1796516461947,
  SharedRateLimits1796516975285,
  SignInFailures1796518515496,
  Federation1796519638060,
  RefreshTokenExpiryIndex1796526483654,
  BulkExportJobs1796527402704,
];
