import type { ScopeCatalogEntry } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export type ScopeEntryChange = Partial<Pick<ScopeCatalogEntry, 'description' | 'resource_types' | 'self_service'>>;

export function listScopes(api: ApiClient, signal?: AbortSignal): Promise<ScopeCatalogEntry[]> {
  return api.get<ScopeCatalogEntry[]>('/api/scopes', { signal });
}

/** Describes a scope; creates its catalog entry when there is none. */
export function putScope(api: ApiClient, scope: string, change: ScopeEntryChange): Promise<ScopeCatalogEntry> {
  return api.request<ScopeCatalogEntry>('PUT', `/api/scopes/${encodeURIComponent(scope)}`, { body: change });
}
