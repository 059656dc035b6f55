/**
 * The one error type services throw. It carries a stable `code` and enough for each surface's filter to render it:
 * RFC 6749 JSON on /auth, an OperationOutcome on /fhir, RFC 9457 problem details on /api.
 */
export interface DomainErrorOptions {
  /** RFC 6749 §5.2 error code, when the error can reach an OAuth endpoint. */
  oauthError?: string;
  /** FHIR IssueType code (R4 valueset-issue-type) for the OperationOutcome. */
  fhirIssue?: string;
  /** Value of `WWW-Authenticate` for 401/403 answers. */
  wwwAuthenticate?: string;
  /** Field-level messages (problem details `errors`, OperationOutcome issue `expression`). */
  fieldErrors?: { field: string; message: string }[];
  /** Short reason recorded in the audit trail (defaults to `code`). */
  auditReason?: string;
  /** The client the refused request belongs to, when known (e.g. a verified but revoked token's client). */
  auditClientId?: string;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** RFC 6749 §5.2 error, raised by the authorization server. */
export function oauthError(
  error: string,
  description: string,
  status = 400,
  options: DomainErrorOptions = {},
): DomainError {
  const extra: DomainErrorOptions = status === 401 ? { wwwAuthenticate: 'Basic realm="ccri", charset="UTF-8"' } : {};
  return new DomainError(status, error, description, { oauthError: error, ...extra, ...options });
}

/** Bearer token problems (RFC 6750 §3.1). */
export function bearerError(
  status: 401 | 403,
  error: 'invalid_token' | 'insufficient_scope' | 'invalid_request',
  description: string,
  auditReason?: string,
  auditClientId?: string,
): DomainError {
  const challenge =
    error === 'invalid_request' && status === 401
      ? 'Bearer realm="ccri"'
      : `Bearer realm="ccri", error="${error}", error_description="${description.replace(/"/g, "'")}"`;
  return new DomainError(status, error, description, {
    oauthError: error,
    fhirIssue: status === 401 ? 'login' : 'forbidden',
    wwwAuthenticate: challenge,
    auditReason: auditReason ?? error,
    auditClientId,
  });
}

export function notFound(code: string, message: string): DomainError {
  return new DomainError(404, code, message, { fhirIssue: 'not-found' });
}

export function validationFailed(message: string, fieldErrors: { field: string; message: string }[]): DomainError {
  return new DomainError(400, 'validation_failed', message, {
    fieldErrors,
    oauthError: 'invalid_request',
    fhirIssue: 'invalid',
  });
}
