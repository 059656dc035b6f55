import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { listGrants, revokeGrant, type GrantQuery } from './grants-api';

export const grantKeys = {
  all: ['grants'] as const,
  list: (query: GrantQuery) => ['grants', 'list', query] as const,
};

export function useGrants(query: GrantQuery) {
  const api = useApi();
  return useQuery({ queryKey: grantKeys.list(query), queryFn: ({ signal }) => listGrants(api, query, signal) });
}

export function useRevokeGrant() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeGrant(api, id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: grantKeys.all }),
  });
}
