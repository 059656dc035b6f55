import type { PortalClientRequest } from '@ccri/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  deleteMyClient,
  getMyClient,
  getRegistrationInfo,
  listMyClients,
  registerClient,
  rotateMySecret,
} from './portal-api';
import { usePortalApi } from './portal-session';

/** Every portal query starts with 'portal', so signing out of the portal drops exactly these. */
export const portalKeys = {
  all: ['portal'] as const,
  registration: ['portal', 'registration'] as const,
  clients: ['portal', 'clients'] as const,
  list: (page: number) => ['portal', 'clients', 'list', page] as const,
  client: (clientId: string) => ['portal', 'clients', 'detail', clientId] as const,
};

export const PORTAL_PAGE_SIZE = 20;

export function useRegistrationInfo() {
  const api = usePortalApi();
  return useQuery({ queryKey: portalKeys.registration, queryFn: ({ signal }) => getRegistrationInfo(api, signal) });
}

export function useMyClients(page: number) {
  const api = usePortalApi();
  return useQuery({
    queryKey: portalKeys.list(page),
    queryFn: ({ signal }) => listMyClients(api, { page, limit: PORTAL_PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useMyClient(clientId: string) {
  const api = usePortalApi();
  return useQuery({
    queryKey: portalKeys.client(clientId),
    queryFn: ({ signal }) => getMyClient(api, clientId, signal),
  });
}

function useInvalidateMyClients() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: portalKeys.clients });
}

export function useRegisterClient() {
  const api = usePortalApi();
  const invalidate = useInvalidateMyClients();
  return useMutation({
    mutationFn: (request: PortalClientRequest) => registerClient(api, request),
    onSuccess: invalidate,
  });
}

export function useDeleteMyClient() {
  const api = usePortalApi();
  const invalidate = useInvalidateMyClients();
  return useMutation({ mutationFn: (clientId: string) => deleteMyClient(api, clientId), onSuccess: invalidate });
}

export function useRotateMySecret() {
  const api = usePortalApi();
  return useMutation({ mutationFn: (clientId: string) => rotateMySecret(api, clientId) });
}
