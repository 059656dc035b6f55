import type { LiveToken, Page, SigningKeyInfo } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export function listLiveTokens(
  api: ApiClient,
  clientId: string | undefined,
  signal?: AbortSignal,
): Promise<Page<LiveToken>> {
  return api.get<Page<LiveToken>>('/api/tokens', { query: { client_id: clientId }, signal });
}

/** Every instance refuses the token within 2 seconds. */
export function revokeToken(api: ApiClient, jti: string): Promise<void> {
  return api.delete(`/api/tokens/${encodeURIComponent(jti)}`);
}

export function revokeClientTokens(api: ApiClient, clientId: string): Promise<{ revoked: number }> {
  return api.delete<{ revoked: number }>(`/api/clients/${encodeURIComponent(clientId)}/tokens`);
}

export function listSigningKeys(api: ApiClient, signal?: AbortSignal): Promise<SigningKeyInfo[]> {
  return api.get<SigningKeyInfo[]>('/api/keys', { signal });
}

export function rotateSigningKey(api: ApiClient): Promise<{ kid: string }> {
  return api.post<{ kid: string }>('/api/keys/rotate');
}
