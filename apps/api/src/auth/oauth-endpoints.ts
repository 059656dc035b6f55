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
  };
}
