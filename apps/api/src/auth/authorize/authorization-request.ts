import type { ClientEntity } from '../../clients/client.entity';

/** An authorization request refused before the client and its redirect_uri are known good: shown, never redirected. */
export class UntrustedRedirectError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly clientId: string | null,
  ) {
    super(message);
  }
}

/** An authorization request refused once the redirect_uri is trusted: sent back to the app (RFC 6749 §4.1.2.1). */
export class RedirectableError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    /** The audit reason, when more precise than `error`. */
    readonly reason: string = error,
  ) {
    super(description);
  }
}

export type Params = Record<string, unknown>;

/**
 * One parameter's value: undefined when absent; a parameter sent twice is refused (RFC 6749 §3.1: "Request and
 * response parameters MUST NOT be included more than once").
 */
export function single(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DuplicateParameter(name);
  return v;
}

export class DuplicateParameter extends Error {
  constructor(readonly parameter: string) {
    super(`The ${parameter} parameter is sent more than once`);
  }
}

/** The client's registered redirect URIs (RFC 7591 `redirect_uris`, a JSON array). */
export function registeredRedirectUris(client: ClientEntity): string[] {
  if (!client.redirectUris) return [];
  try {
    const parsed = JSON.parse(client.redirectUris) as unknown;
    return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
  } catch {
    return [];
  }
}

export function allowsGrant(client: ClientEntity, grant: string): boolean {
  return client.grantTypes.split(/\s+/).includes(grant);
}

/** RFC 7636 §4.2: the S256 challenge is BASE64URL(SHA-256), 43 characters; 43–128 of the unreserved set accepted. */
export const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Adds the authorization response's parameters to `redirectUri`, keeping its own query (RFC 6749 §4.1.2). */
export function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
