/**
 * The authorization server's endpoints as advertised to clients: RFC 8414 metadata, the SMART configuration and the
 * CapabilityStatement's `oauth-uris` extension all read this one table, so they cannot disagree.
 * An endpoint appears here only once it is served.
 */
export interface OAuthEndpoints {
  issuer: string;
  token: string;
  jwks: string;
  manage: string;
  revoke?: string;
  introspect?: string;
  register?: string;
  authorize?: string;
  userinfo?: string;
}

export function oauthEndpoints(publicUrl: string): OAuthEndpoints {
  return {
    issuer: publicUrl,
    token: `${publicUrl}/auth/token`,
    jwks: `${publicUrl}/auth/jwks`,
    // SMART App Launch 2.2 `management_endpoint`: where a person sees and revokes what they allowed apps.
    manage: `${publicUrl}/auth/account`,
    revoke: `${publicUrl}/auth/revoke`,
    introspect: `${publicUrl}/auth/introspect`,
    register: `${publicUrl}/auth/register`,
    authorize: `${publicUrl}/auth/authorize`,
    userinfo: `${publicUrl}/auth/userinfo`,
  };
}

/** Client authentication methods the token, revocation and introspection endpoints accept. */
export const TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;
/** Signature algorithms accepted on private_key_jwt client assertions (SMART Backend Services requires RS384 and ES384). */
export const CLIENT_ASSERTION_ALGS = [
  'RS384',
  'ES384',
  'RS256',
  'ES256',
  'RS512',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
] as const;
export const GRANT_TYPES_SUPPORTED = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
/** The token endpoint also serves public clients (SMART App Launch 2.2 §client-public; RFC 7591 `none`). */
export const TOKEN_ENDPOINT_AUTH_METHODS_WITH_PUBLIC = [...TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED, 'none'] as const;
/** RFC 6749 §4.1: the only response type of the authorization endpoint. */
export const RESPONSE_TYPES_SUPPORTED = ['code'] as const;
/** SMART App Launch 2.2 §Capabilities. */
export const SMART_CAPABILITIES = [
  'launch-standalone',
  'launch-ehr',
  'authorize-post',
  'client-public',
  'client-confidential-symmetric',
  'client-confidential-asymmetric',
  'context-standalone-patient',
  'context-ehr-patient',
  'context-ehr-encounter',
  'permission-offline',
  'permission-online',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
  'sso-openid-connect',
] as const;
/** OpenID Connect Discovery §3 `claims_supported`: what our id_tokens and userinfo carry. */
export const CLAIMS_SUPPORTED = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'fhirUser',
  'name',
  'email',
] as const;
