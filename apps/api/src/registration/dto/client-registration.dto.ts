import type { ClientStatus, GrantType, JwkSet, TokenEndpointAuthMethod } from '@ccri/contracts';

/** RFC 7591 §3.2.1 client information response; RFC 7592 §3 reads and updates answer the same, without secrets. */
export interface ClientRegistration {
  client_id: string;
  /** Only in the registration response: it is stored as a hash. */
  client_secret?: string;
  client_id_issued_at: number;
  /** 0: the secret does not expire (required whenever the client has a secret). */
  client_secret_expires_at?: 0;
  /** Only in the registration response: it is stored as a hash. */
  registration_access_token?: string;
  registration_client_uri: string;
  client_name: string;
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  scope: string;
  jwks?: JwkSet;
  jwks_uri?: string;
  token_endpoint_auth_signing_alg?: string;
  redirect_uris?: string[];
  /** SMART EHR launch URL, also under its OpenID name `initiate_login_uri`. */
  launch_uri?: string;
  initiate_login_uri?: string;
  /** Extension: `pending` until an administrator approves the client (open-with-approval policy). */
  status: ClientStatus;
}
