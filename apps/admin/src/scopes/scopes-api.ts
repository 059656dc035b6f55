import type { ScopeCatalogEntry, UpdateScopeEntryRequest } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export function listScopes(api: ApiClient, signal?: AbortSignal): Promise<ScopeCatalogEntry[]> {
  return api.get<ScopeCatalogEntry[]>('/api/scopes', { signal });
}

/** Describes a scope; creates its catalog entry when there is none. */
export function putScope(api: ApiClient, scope: string, change: UpdateScopeEntryRequest): Promise<ScopeCatalogEntry> {
  return api.request<ScopeCatalogEntry>('PUT', `/api/scopes/${encodeURIComponent(scope)}`, { body: change });
}
