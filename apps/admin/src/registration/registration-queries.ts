import type { IssueInitialAccessTokenRequest, RegistrationSettings } from '@ccri/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import {
  getRegistrationSettings,
  issueInitialAccessToken,
  listInitialAccessTokens,
  putRegistrationSettings,
  revokeInitialAccessToken,
} from './registration-api';

export const registrationKeys = {
  settings: ['registration', 'settings'] as const,
  tokens: ['registration', 'initial-access-tokens'] as const,
};

export function useRegistrationSettings() {
  const api = useApi();
  return useQuery({
    queryKey: registrationKeys.settings,
    queryFn: ({ signal }) => getRegistrationSettings(api, signal),
  });
}

export function useSaveRegistrationSettings() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: RegistrationSettings) => putRegistrationSettings(api, settings),
    onSuccess: (saved) => queryClient.setQueryData(registrationKeys.settings, saved),
  });
}

export function useInitialAccessTokens() {
  const api = useApi();
  return useQuery({ queryKey: registrationKeys.tokens, queryFn: ({ signal }) => listInitialAccessTokens(api, signal) });
}

export function useIssueInitialAccessToken() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: IssueInitialAccessTokenRequest) => issueInitialAccessToken(api, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: registrationKeys.tokens }),
  });
}

export function useRevokeInitialAccessToken() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeInitialAccessToken(api, id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: registrationKeys.tokens }),
  });
}
