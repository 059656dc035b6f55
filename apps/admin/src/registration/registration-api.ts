import type {
  InitialAccessTokenInfo,
  IssueInitialAccessTokenRequest,
  IssuedInitialAccessToken,
  RegistrationSettings,
} from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

const SETTINGS = '/api/settings/registration';
const TOKENS = `${SETTINGS}/initial-access-tokens`;

export function getRegistrationSettings(api: ApiClient, signal?: AbortSignal): Promise<RegistrationSettings> {
  return api.get<RegistrationSettings>(SETTINGS, { signal });
}

export function putRegistrationSettings(api: ApiClient, settings: RegistrationSettings): Promise<RegistrationSettings> {
  return api.request<RegistrationSettings>('PUT', SETTINGS, { body: settings });
}

export function listInitialAccessTokens(api: ApiClient, signal?: AbortSignal): Promise<InitialAccessTokenInfo[]> {
  return api.get<InitialAccessTokenInfo[]>(TOKENS, { signal });
}

export function issueInitialAccessToken(
  api: ApiClient,
  request: IssueInitialAccessTokenRequest,
): Promise<IssuedInitialAccessToken> {
  return api.post<IssuedInitialAccessToken>(TOKENS, request);
}

export function revokeInitialAccessToken(api: ApiClient, id: string): Promise<void> {
  return api.delete(`${TOKENS}/${encodeURIComponent(id)}`);
}
