/** Client registration metadata, named after RFC 7591 §2 so one vocabulary serves registration and administration. */
export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** `none`: a public client (RFC 7591 §2), which has no secret and may use only authorization_code and refresh_token. */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** The `alg` values a client may register as `token_endpoint_auth_signing_alg` (OpenID Connect Registration §2). */
export const TOKEN_ENDPOINT_AUTH_SIGNING_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'ES256',
  'ES384',
  'EdDSA',
] as const;
export type TokenEndpointAuthSigningAlg = (typeof TOKEN_ENDPOINT_AUTH_SIGNING_ALGS)[number];

/** A JSON Web Key Set (RFC 7517 §5): a client's public keys for its signed assertions. */
export interface JwkSet {
  keys: Record<string, unknown>[];
}

export const CLIENT_STATUSES = ['active', 'pending', 'rejected'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export interface Client {
  client_id: string;
  client_name: string;
  description: string;
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** Space-separated allowed scopes. */
  scope: string;
  jwks?: JwkSet | null;
  jwks_uri?: string | null;
  /** OpenID Connect Dynamic Client Registration §2: the `alg` this client's private_key_jwt assertions must use. */
  token_endpoint_auth_signing_alg?: string | null;
  /** RFC 7591 §2: where the authorization endpoint may send the browser back (compared exactly). */
  redirect_uris?: string[];
  /** SMART EHR launch: the app's launch URL, opened with `iss` and `launch` (OpenID `initiate_login_uri`). */
  launch_uri?: string | null;
  /** A fixed patient context (Patient id) put into this client's tokens. */
  patient?: string | null;
  enabled: boolean;
  single_active_token: boolean;
  /** Access token lifetime for this client; null means the server default. */
  token_ttl_seconds?: number | null;
  /** Token endpoint requests per minute; null means the server default. */
  rate_limit_per_minute?: number | null;
  registered_by?: 'admin' | 'dynamic' | 'portal';
  /** The developer-portal account owning a self-registered client. */
  owner?: string | null;
  status: ClientStatus;
  /** One of the demo clients (published secrets): refused, and `enabled` false, while demo mode is off. */
  demo?: boolean;
  created_at: string;
  updated_at: string;
}

/** `GET /api/clients` and `GET /api/portal/clients` parameters; `page` counts from 1. */
export interface ClientListQuery {
  /** Matches client id, name or description. */
  search?: string;
  status?: ClientStatus;
  page?: number;
  limit?: number;
}

/** The body of `POST /api/clients`. */
export interface CreateClientRequest {
  client_name: string;
  description?: string;
  grant_types?: GrantType[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  scope: string;
  jwks?: JwkSet | null;
  jwks_uri?: string | null;
  token_endpoint_auth_signing_alg?: string | null;
  redirect_uris?: string[];
  launch_uri?: string | null;
  patient?: string | null;
  enabled?: boolean;
  single_active_token?: boolean;
  token_ttl_seconds?: number | null;
  rate_limit_per_minute?: number | null;
}

export type UpdateClientRequest = Partial<CreateClientRequest>;

/** `POST /api/clients` answers the client plus its secret, shown only this once. */
export interface CreatedClient extends Client {
  client_secret?: string;
}

export interface RotatedSecret {
  client_id: string;
  client_secret: string;
}

/** The body of `POST /api/portal/clients`: what an integrator may choose; lifetimes, limits and patient context stay the administrators'. */
export type PortalClientRequest = Pick<
  CreateClientRequest,
  | 'client_name'
  | 'description'
  | 'scope'
  | 'grant_types'
  | 'token_endpoint_auth_method'
  | 'jwks'
  | 'jwks_uri'
  | 'token_endpoint_auth_signing_alg'
  | 'redirect_uris'
  | 'launch_uri'
>;
