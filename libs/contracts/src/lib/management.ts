import type { ScopeCatalogEntry } from './scopes';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** RFC 9457 problem details, with field-level messages for validation failures. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

export interface LiveToken {
  jti: string;
  client_id: string;
  scope: string;
  patient?: string | null;
  issued_at: string;
  expires_at: string;
  kid: string;
}

export interface SigningKeyInfo {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  /** When the retired key leaves the JWKS (its last token has expired by then). */
  remove_after: string | null;
  /**
   * What the key signs while active: access tokens (and the server's other JWTs) with ACCESS_TOKEN_SIGNING_ALG,
   * id_tokens with RS256 (both, for an RS256 key when that is the setting). Empty for a retired key.
   */
  signs: SigningKeyUse[];
}

export type SigningKeyUse = 'access_tokens' | 'id_tokens';

/** The shortest password a developer-portal account may have (NIST SP 800-63B §3.1.1.2 asks for at least 8). */
export const DEVELOPER_PASSWORD_MIN_LENGTH = 12;

/** A developer-portal account: an integrator who registers and manages their own clients. */
export interface DeveloperAccount {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

/** The body of `POST /api/portal/signup`. */
export interface DeveloperSignupRequest {
  email: string;
  name: string;
  password: string;
}

/** The body of `POST /api/portal/login`. */
export interface DeveloperLoginRequest {
  email: string;
  password: string;
}

/** A developer-portal session: sent as `Authorization: Bearer` on `/api/portal/*`. */
export interface DeveloperSession extends LoginResponse {
  developer: DeveloperAccount;
}

/** Who may register clients by themselves (RFC 7591 dynamic registration and the developer portal). */
export const REGISTRATION_POLICIES = ['closed', 'initial-token', 'open-with-approval'] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

/** `GET` / `PUT /api/settings/registration`. */
export interface RegistrationSettings {
  policy: RegistrationPolicy;
  /** Scopes self-registered clients may ask for. */
  self_service_scopes: string[];
}

/** An RFC 7591 §3 initial access token as listed: never the token itself. */
export interface InitialAccessTokenInfo {
  id: string;
  created_at: string;
  expires_at: string;
  max_uses: number;
  uses: number;
  status: 'active' | 'expired' | 'used_up';
}

/** The body of issuing an initial access token. */
export interface IssueInitialAccessTokenRequest {
  /** Lifetime in seconds. */
  expires_in?: number;
  /** How many clients it may register. */
  max_uses?: number;
}

/** The answer to issuing an initial access token: the token is shown only this once. */
export interface IssuedInitialAccessToken {
  id: string;
  initial_access_token: string;
  expires_at: string;
  max_uses: number;
}

/** `GET /api/portal/registration`: what an integrator may register under the current policy. */
export interface PortalRegistrationInfo {
  policy: RegistrationPolicy;
  /** The self-service allow-list, described from the scope catalog where it has an entry. */
  scopes: ScopeCatalogEntry[];
}
