import type { TokenEndpointAuthMethod } from '@ccri/contracts';

/** How a client proves who it is at the token endpoint (RFC 7591 §2 `token_endpoint_auth_method`). */
export const AUTH_METHODS: { value: TokenEndpointAuthMethod; label: string }[] = [
  { value: 'client_secret_basic', label: 'Secret in HTTP Basic header (client_secret_basic)' },
  { value: 'client_secret_post', label: 'Secret in the request body (client_secret_post)' },
  { value: 'private_key_jwt', label: 'Signed JWT assertion (private_key_jwt, SMART Backend Services)' },
];
