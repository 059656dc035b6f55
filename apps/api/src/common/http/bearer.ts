/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`, the scheme case-insensitive, one or more spaces. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer` header, or null when the header is missing or not a Bearer token. */
export function bearerToken(header: string | undefined): string | null {
  return BEARER.exec(header ?? '')?.[1] ?? null;
}
