import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { listLiveTokens, listSigningKeys, revokeClientTokens, revokeToken, rotateSigningKey } from './tokens-api';

export const tokenKeys = {
  live: (clientId?: string) => ['tokens', 'live', clientId ?? null] as const,
  allLive: ['tokens', 'live'] as const,
  keys: ['tokens', 'keys'] as const,
};

/** Live tokens come and go by themselves (issued, expired): the list refreshes every half minute. */
export function useLiveTokens(clientId?: string) {
  const api = useApi();
  return useQuery({
    queryKey: tokenKeys.live(clientId),
    queryFn: ({ signal }) => listLiveTokens(api, clientId, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useRevokeToken() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (jti: string) => revokeToken(api, jti),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.allLive }),
  });
}

export function useRevokeClientTokens() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (clientId: string) => revokeClientTokens(api, clientId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.allLive }),
  });
}

export function useSigningKeys() {
  const api = useApi();
  return useQuery({ queryKey: tokenKeys.keys, queryFn: ({ signal }) => listSigningKeys(api, signal) });
}

export function useRotateSigningKey() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rotateSigningKey(api),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokenKeys.keys }),
  });
}
