import type {
  Client,
  CreatedClient,
  DeveloperLoginRequest,
  DeveloperSession,
  DeveloperSignupRequest,
  Page,
  PortalClientRequest,
  PortalRegistrationInfo,
  RotatedSecret,
} from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

const clientPath = (clientId: string) => `/api/portal/clients/${encodeURIComponent(clientId)}`;

export function signUp(api: ApiClient, request: DeveloperSignupRequest): Promise<DeveloperSession> {
  return api.post<DeveloperSession>('/api/portal/signup', request);
}

export function signIn(api: ApiClient, request: DeveloperLoginRequest): Promise<DeveloperSession> {
  return api.post<DeveloperSession>('/api/portal/login', request);
}

/** Ends the portal session on the server: its token is revoked. */
export function signOutOfPortal(api: ApiClient): Promise<void> {
  return api.post<void>('/api/portal/logout');
}

export function getRegistrationInfo(api: ApiClient, signal?: AbortSignal): Promise<PortalRegistrationInfo> {
  return api.get<PortalRegistrationInfo>('/api/portal/registration', { signal });
}

export function listMyClients(
  api: ApiClient,
  query: { page: number; limit: number },
  signal?: AbortSignal,
): Promise<Page<Client>> {
  return api.get<Page<Client>>('/api/portal/clients', { query, signal });
}

export function registerClient(api: ApiClient, request: PortalClientRequest): Promise<CreatedClient> {
  return api.post<CreatedClient>('/api/portal/clients', request);
}

export function getMyClient(api: ApiClient, clientId: string, signal?: AbortSignal): Promise<Client> {
  return api.get<Client>(clientPath(clientId), { signal });
}

export function deleteMyClient(api: ApiClient, clientId: string): Promise<void> {
  return api.delete(clientPath(clientId));
}

export function rotateMySecret(api: ApiClient, clientId: string): Promise<RotatedSecret> {
  return api.post<RotatedSecret>(`${clientPath(clientId)}/secret`);
}
