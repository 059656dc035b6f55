import type { UpdateScopeEntryRequest } from '@ccri/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { listScopes, putScope } from './scopes-api';

export const scopeKeys = { all: ['scopes'] as const };

export function useScopeCatalog() {
  const api = useApi();
  return useQuery({ queryKey: scopeKeys.all, queryFn: ({ signal }) => listScopes(api, signal), staleTime: 60_000 });
}

export function usePutScope() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ scope, change }: { scope: string; change: UpdateScopeEntryRequest }) => putScope(api, scope, change),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scopeKeys.all }),
  });
}
