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
}

export function oauthEndpoints(publicUrl: string): OAuthEndpoints {
  return {
    issuer: publicUrl,
    token: `${publicUrl}/auth/token`,
    jwks: `${publicUrl}/auth/jwks`,
    manage: `${publicUrl}/admin`,
    revoke: `${publicUrl}/auth/revoke`,
    introspect: `${publicUrl}/auth/introspect`,
    register: `${publicUrl}/auth/register`,
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
export const GRANT_TYPES_SUPPORTED = ['client_credentials'] as const;
