import type { TokenResponse } from '../tokens/access-token.service';

/**
 * The person a token response was issued for, as the audit trail names them (the grants that act for a person set
 * it; the token endpoint reads it into its audit record). A side table, so nothing of it can reach the response body.
 */
const actors = new WeakMap<TokenResponse, string>();

export function setTokenActor(response: TokenResponse, actor: string): void {
  actors.set(response, actor);
}

export function tokenActor(response: TokenResponse): string | undefined {
  return actors.get(response);
}
