import type { TokenEndpointAuthMethod } from '@ccri/contracts';

/** How a confidential client proves who it is at the token endpoint (RFC 7591 §2 `token_endpoint_auth_method`). */
export const AUTH_METHODS: { value: TokenEndpointAuthMethod; label: string }[] = [
  { value: 'client_secret_basic', label: 'Secret in HTTP Basic header (client_secret_basic)' },
  { value: 'client_secret_post', label: 'Secret in the request body (client_secret_post)' },
  { value: 'private_key_jwt', label: 'Signed JWT assertion (private_key_jwt, SMART Backend Services)' },
];

/** A client's authentication method in words, public clients (`none`) included. */
export function authMethodLabel(method: TokenEndpointAuthMethod): string {
  if (method === 'none') return 'None: a public client (no secret)';
  return AUTH_METHODS.find((m) => m.value === method)?.label ?? method;
}

/** Only the secret methods have a secret to rotate; private_key_jwt uses keys, a public client (`none`) nothing. */
export function usesSecret(method: TokenEndpointAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

/** OpenID Connect Dynamic Client Registration §2 `token_endpoint_auth_signing_alg`: the JWS algorithms offered. */
export const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'ES256', 'ES384', 'EdDSA'] as const;
