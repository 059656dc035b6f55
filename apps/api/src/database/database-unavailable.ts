/** Bounds on every database call a request makes, so an outage answers 503 well within 5 s instead of hanging. */
export const CONNECT_TIMEOUT_MS = 2000;
export const ACQUIRE_TIMEOUT_MS = 2000;
export const QUERY_TIMEOUT_MS = 4000;
export const SQLITE_BUSY_TIMEOUT_MS = 2000;

/**
 * A pool acquire that took too long (mysql2 has no acquire timeout of its own); its code is one that
 * `isDatabaseUnavailable` (common/errors/database-unavailable.ts) counts as an outage.
 */
export class PoolAcquireTimeoutError extends Error {
  readonly code = 'POOL_ACQUIRE_TIMEOUT';
  constructor(ms: number) {
    super(`No database connection became available within ${ms} ms`);
    this.name = 'PoolAcquireTimeoutError';
  }
}
