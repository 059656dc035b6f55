import { bearerError, DomainError, oauthError } from '../common/errors/domain-error';

/** RFC 7591 §3.2.2: a metadata value the server will not register. */
export function invalidClientMetadata(description: string, auditReason = 'invalid_client_metadata'): DomainError {
  return oauthError('invalid_client_metadata', description, 400, { auditReason });
}

/** RFC 7591 §3.2.2: a redirection URI the server will not register. */
export function invalidRedirectUri(description: string): DomainError {
  return oauthError('invalid_redirect_uri', description, 400, { auditReason: 'invalid_redirect_uri' });
}

/**
 * RFC 7591 §3 leaves refusing registration to the server and defines no code for it; RFC 6749 §4.1.2.1's
 * `access_denied` ("the authorization server denied the request") is the registered code that says so, with 403.
 */
export function registrationClosed(): DomainError {
  return oauthError(
    'access_denied',
    'This server does not accept dynamic client registration; ask an administrator for a client',
    403,
    {
      auditReason: 'registration_closed',
    },
  );
}

/** RFC 7591 §3 and RFC 6750 §3.1: a missing or unusable initial access token. */
export function invalidInitialAccessToken(description: string, auditReason: string): DomainError {
  return bearerError(401, 'invalid_token', description, auditReason);
}

/**
 * RFC 7592 §2.1-§2.3: a missing or wrong registration access token, and an unknown client, get the same 401, so the
 * answer never tells whether a client exists.
 */
export function invalidRegistrationAccessToken(auditReason: string): DomainError {
  return bearerError(
    401,
    'invalid_token',
    'The registration access token is missing or not valid for this client',
    auditReason,
  );
}
