import type { CreateClientRequest, LaunchRequest, UpdateClientRequest } from '@ccri/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import {
  createClient,
  createLaunch,
  decideClient,
  deleteClient,
  getClient,
  listClients,
  rotateClientSecret,
  updateClient,
  type ClientPageQuery,
} from './clients-api';

export const clientKeys = {
  all: ['clients'] as const,
  list: (query: ClientPageQuery) => ['clients', 'list', query] as const,
  detail: (clientId: string) => ['clients', 'detail', clientId] as const,
};

export function useClientList(query: ClientPageQuery) {
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
  return useMutation({
    mutationFn: (request: CreateClientRequest) => createClient(api, request),
    onSuccess: invalidate,
  });
}

export function useSetClientEnabled() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({
    mutationFn: ({ clientId, enabled }: { clientId: string; enabled: boolean }) =>
      updateClient(api, clientId, { enabled }),
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

export function useClient(clientId: string) {
  const api = useApi();
  return useQuery({ queryKey: clientKeys.detail(clientId), queryFn: ({ signal }) => getClient(api, clientId, signal) });
}

/** How many self-registrations wait for a decision (one row fetched; the total is what counts). */
export function usePendingClientCount() {
  const api = useApi();
  return useQuery({
    queryKey: clientKeys.list({ status: 'pending', page: 1, limit: 1 }),
    queryFn: ({ signal }) => listClients(api, { status: 'pending', page: 1, limit: 1 }, signal),
    select: (page) => page.total,
  });
}

export function useUpdateClient() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({
    mutationFn: ({ clientId, change }: { clientId: string; change: UpdateClientRequest }) =>
      updateClient(api, clientId, change),
    onSuccess: invalidate,
  });
}

export function useDecideClient() {
  const api = useApi();
  const invalidate = useInvalidateClients();
  return useMutation({
    mutationFn: ({ clientId, decision }: { clientId: string; decision: 'approve' | 'reject' }) =>
      decideClient(api, clientId, decision),
    onSettled: invalidate,
  });
}

export function useCreateLaunch() {
  const api = useApi();
  return useMutation({ mutationFn: (request: LaunchRequest) => createLaunch(api, request) });
}
