import { DomainError } from './domain-error';

/** What a client is told to wait before retrying while the database is unreachable (RFC 9110 §10.2.3). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Driver error codes that mean "the database cannot be reached right now", not "this request is wrong": the server
 * refused or dropped the connection, a connect/query/acquire timed out (the database module's PoolAcquireTimeoutError
 * carries POOL_ACQUIRE_TIMEOUT), or (SQLite) the file stayed locked.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'POOL_ACQUIRE_TIMEOUT',
  'POOL_CLOSED',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
]);

/** mysql2 raises these without a code when a command is queued on a connection that has already died. */
const UNAVAILABLE_MESSAGES = [
  /can't add new command when connection is in closed state/i,
  /pool is closed/i,
  /connection lost/i,
];

/**
 * True when `error` (or the driver error a TypeORM QueryFailedError wraps, or an error's `cause`) says the database
 * is unreachable or timed out. Looks a few levels deep only, so a cyclic error cannot loop.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(e.message as string))) return true;
  return isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/** The 503 every surface renders for an unreachable database: `temporarily_unavailable`, `transient`, Retry-After. */
export function databaseUnavailable(): DomainError {
  return new DomainError(503, 'database_unavailable', 'The service is temporarily unavailable; try again shortly', {
    // RFC 6749 §4.1.2.1 / §5.2: the temporary-overload error code; FHIR R4 IssueType `transient`.
    oauthError: 'temporarily_unavailable',
    fhirIssue: 'transient',
    auditReason: 'database_unavailable',
    headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
  });
}
