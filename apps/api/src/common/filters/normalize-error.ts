import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { databaseUnavailable, isDatabaseUnavailable } from '../errors/database-unavailable';

const DENIAL_CODES = new Set([
  'invalid_client',
  'invalid_scope',
  'unauthorized_client',
  'invalid_grant',
  'access_denied',
  'insufficient_scope',
  'invalid_token',
]);

/** True when an error is a refusal of access rather than a failure (for the audit outcome). */
export function isDenial(error: DomainError): boolean {
  return (
    error.status === 401 ||
    error.status === 403 ||
    error.status === 429 ||
    DENIAL_CODES.has(error.options.oauthError ?? error.code)
  );
}

function codeForStatus(status: number): string {
  const name = HttpStatus[status];
  return typeof name === 'string' ? name.toLowerCase() : 'http_' + status;
}

/**
 * Any thrown value as a DomainError: Nest HTTP exceptions and Fastify's own errors (bad JSON, wrong content type,
 * body too large) keep their 4xx status; anything else is a 500 whose details never leave the server.
 */
export function normalizeError(error: unknown): { error: DomainError; unexpected: boolean } {
  if (error instanceof DomainError) return { error, unexpected: false };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    let message = error.message;
    let fieldErrors: { field: string; message: string }[] | undefined;
    if (typeof body === 'object' && body !== null) {
      const m = (body as { message?: unknown }).message;
      if (Array.isArray(m)) {
        fieldErrors = m.map((entry) => {
          const text = String(entry);
          return { field: text.split(' ')[0] ?? '', message: text };
        });
        message = 'The request is not valid';
      } else if (typeof m === 'string') {
        message = m;
      }
    }
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) message = 'No such route';
    const code = status === 400 && fieldErrors ? 'validation_failed' : codeForStatus(status);
    return { error: new DomainError(status, code, message, { fieldErrors }), unexpected: status >= 500 };
  }
  const candidate = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof candidate?.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    const status = candidate.statusCode;
    const code =
      typeof candidate.code === 'string' && candidate.code.startsWith('FST_ERR_CTP_BODY_TOO_LARGE')
        ? 'payload_too_large'
        : codeForStatus(status);
    const message = typeof candidate.message === 'string' ? candidate.message.slice(0, 300) : 'Bad request';
    return {
      error: new DomainError(status, code, message, {
        fhirIssue: status === 415 ? 'not-supported' : status === 413 ? 'too-costly' : 'invalid',
      }),
      unexpected: false,
    };
  }
  // An unreachable database (refused, dropped, timed out, locked) is a 503 with Retry-After, never a 500.
  if (isDatabaseUnavailable(error)) return { error: databaseUnavailable(), unexpected: false };
  return {
    error: new DomainError(500, 'internal_error', 'Internal server error', {
      oauthError: 'server_error',
      fhirIssue: 'exception',
    }),
    unexpected: true,
  };
}
