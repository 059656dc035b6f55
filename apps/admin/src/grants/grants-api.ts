import type { AuthorizationGrant, Page } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

/** `GET /api/grants` parameters: a person's grants, a client's, or every one. */
export interface GrantQuery {
  user?: string;
  client_id?: string;
}

/** `GET /api/grants` answers a page, like the other management lists. */
export async function listGrants(
  api: ApiClient,
  query: GrantQuery,
  signal?: AbortSignal,
): Promise<AuthorizationGrant[]> {
  return (await api.get<Page<AuthorizationGrant>>('/api/grants', { query: { ...query }, signal })).items;
}

/** Revokes the grant and every token issued under it. */
export function revokeGrant(api: ApiClient, id: string): Promise<void> {
  return api.delete(`/api/grants/${encodeURIComponent(id)}`);
}
