import type { EndUserRole } from '@ccri/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { searchDirectory } from './directory-api';

export const directoryKeys = {
  search: (role: EndUserRole, search: string) => ['directory', role, search] as const,
};

/** Searches once something is typed; the last results stay while the next ones load. */
export function useDirectorySearch(role: EndUserRole, search: string) {
  const api = useApi();
  return useQuery({
    queryKey: directoryKeys.search(role, search),
    queryFn: ({ signal }) => searchDirectory(api, role, search, signal),
    enabled: search.length > 0,
    placeholderData: keepPreviousData,
  });
}
