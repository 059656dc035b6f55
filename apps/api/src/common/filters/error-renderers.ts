import { STATUS_CODES } from 'node:http';
import { FHIR_JSON, type ProblemDetails } from '@ccri/contracts';
import { DomainError } from '../errors/domain-error';
import { Surface } from '../http/request-context';

export interface RenderedError {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: unknown;
}

/** FHIR IssueType for a status when the error names none (FHIR R4 http.html, "Status codes"). */
const FHIR_ISSUE_FOR_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
};

function baseHeaders(error: DomainError): Record<string, string> {
  const headers: Record<string, string> = { ...(error.options.headers ?? {}) };
  if (error.options.wwwAuthenticate) headers['www-authenticate'] = error.options.wwwAuthenticate;
  return headers;
}

/** RFC 6749 §5.2: `{error, error_description}`, never cached. */
export function renderOAuthError(error: DomainError): RenderedError {
  const code =
    error.options.oauthError ??
    (error.status >= 500
      ? 'server_error'
      : error.status === 401
        ? 'invalid_client'
        : error.status === 429
          ? 'too_many_requests'
          : 'invalid_request');
  const headers: Record<string, string> = { ...baseHeaders(error), 'cache-control': 'no-store', pragma: 'no-cache' };
  if (error.status === 401 && !headers['www-authenticate'])
    headers['www-authenticate'] = 'Basic realm="ccri", charset="UTF-8"';
  return {
    status: error.status,
    contentType: 'application/json; charset=utf-8',
    headers,
    body: { error: code, error_description: error.message },
  };
}

/** An OperationOutcome with one issue per problem (FHIR R4 operationoutcome.html). */
export function renderOperationOutcome(error: DomainError): RenderedError {
  const code =
    error.options.fhirIssue ?? FHIR_ISSUE_FOR_STATUS[error.status] ?? (error.status >= 500 ? 'exception' : 'invalid');
  const headers = baseHeaders(error);
  if (error.status === 401 && !headers['www-authenticate'])
    headers['www-authenticate'] = 'Bearer realm="ccri", error="invalid_token"';
  const fieldErrors = error.options.fieldErrors ?? [];
  const issue =
    fieldErrors.length > 0
      ? fieldErrors.map((f) => ({
          severity: 'error',
          code,
          diagnostics: f.message,
          ...(f.field ? { expression: [f.field] } : {}),
        }))
      : [{ severity: 'error', code, diagnostics: error.message }];
  return {
    status: error.status,
    contentType: `${FHIR_JSON}; charset=utf-8`,
    headers,
    body: { resourceType: 'OperationOutcome', issue },
  };
}

/** RFC 9457 problem details with field-level messages. */
export function renderProblem(error: DomainError, instance: string): RenderedError {
  const body: ProblemDetails = {
    type: error.status >= 500 ? 'about:blank' : `urn:ccri:problem:${error.code}`,
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    instance: instance.split('?')[0],
  };
  if (error.options.fieldErrors?.length) body.errors = error.options.fieldErrors;
  return {
    status: error.status,
    contentType: 'application/problem+json; charset=utf-8',
    headers: baseHeaders(error),
    body,
  };
}

export function renderForSurface(surface: Surface, error: DomainError, url: string): RenderedError {
  switch (surface) {
    case 'fhir':
      return renderOperationOutcome(error);
    case 'oauth':
      return renderOAuthError(error);
    default:
      return renderProblem(error, url);
  }
}
