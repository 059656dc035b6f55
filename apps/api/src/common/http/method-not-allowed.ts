import { DomainError } from '../errors/domain-error';

/** 405 for a path that exists, naming the methods it serves (RFC 9110 §15.5.6: a 405 must carry `Allow`). */
export function methodNotAllowed(method: string, allowed: string[]): DomainError {
  return new DomainError(405, 'method_not_allowed', `${method} is not served here; use ${allowed.join(' or ')}`, {
    oauthError: 'invalid_request',
    fhirIssue: 'not-supported',
    headers: { allow: allowed.join(', ') },
  });
}
