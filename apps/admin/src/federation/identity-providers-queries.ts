import type { IdentityProviderRequest } from '@ccri/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { userKeys } from '../users/users-queries';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  listIdentityProviders,
  unlinkExternalIdentity,
  updateIdentityProvider,
} from './federation-api';

export const identityProviderKeys = { all: ['identity-providers'] as const };

export function useIdentityProviders() {
  const api = useApi();
  return useQuery({ queryKey: identityProviderKeys.all, queryFn: ({ signal }) => listIdentityProviders(api, signal) });
}

/** Creates the provider, or (with `existing`) changes it; an empty `client_secret` keeps the stored one. */
export function useSaveIdentityProvider() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ request, existing }: { request: IdentityProviderRequest; existing: boolean }) => {
      if (!existing) return createIdentityProvider(api, request);
      const { id, client_secret, ...change } = request;
      return updateIdentityProvider(api, id, client_secret ? { ...change, client_secret } : change);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: identityProviderKeys.all }),
  });
}

export function useDeleteIdentityProvider() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteIdentityProvider(api, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: identityProviderKeys.all }),
  });
}

export function useUnlinkExternalIdentity() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, linkId }: { userId: string; linkId: string }) => unlinkExternalIdentity(api, userId, linkId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
