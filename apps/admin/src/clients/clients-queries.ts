import type { CreateClientRequest } from '@ccri/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { createClient, deleteClient, listClients, rotateClientSecret, updateClient, type ClientListQuery } from './clients-api';

export const clientKeys = {
  all: ['clients'] as const,
  list: (query: ClientListQuery) => ['clients', 'list', query] as const,
};

export function useClientList(query: ClientListQuery) {
  const api = useApi();
  return useQuery({
    queryKey: clientKeys.list(query),
    queryFn: ({ signal }) => listClients(api, query, signal),
    // Keep the current page on screen while the next one loads, so the table does not flash empty.
    placeholderData: keepPreviousData,
  });
}

/** Mutations answer with what changed; every list page is refetched after, since any of them may show the client. */
function useInvalidateClients() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: clientKeys.all });
}

export function useCreateClient() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({ mutationFn: (request: CreateClientRequest) => createClient(api, request), onSuccess: invalidate });
}

export function useSetClientEnabled() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({
    mutationFn: ({ clientId, enabled }: { clientId: string; enabled: boolean }) => updateClient(api, clientId, { enabled }),
    onSettled: invalidate,
  });
}

export function useRotateClientSecret() {
  const api = useApi();
  return useMutation({ mutationFn: (clientId: string) => rotateClientSecret(api, clientId) });
}

export function useDeleteClient() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({ mutationFn: (clientId: string) => deleteClient(api, clientId), onSuccess: invalidate });
}
