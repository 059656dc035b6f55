import type { DirectoryEntry, EndUserRole } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

/** `GET /api/directory/patients` or `/practitioners`: people in the FHIR store matching `search`. */
export function searchDirectory(
  api: ApiClient,
  role: EndUserRole,
  search: string,
  signal?: AbortSignal,
): Promise<DirectoryEntry[]> {
  return api.get<DirectoryEntry[]>(`/api/directory/${role}s`, { query: { search }, signal });
}
