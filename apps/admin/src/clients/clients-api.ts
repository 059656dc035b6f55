import type {
  Client,
  ClientListQuery,
  CreateClientRequest,
  CreatedClient,
  LaunchRequest,
  LaunchResponse,
  Page,
  RotatedSecret,
  UpdateClientRequest,
} from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

/** The dashboard always asks for one page of a known size. */
export type ClientPageQuery = ClientListQuery & { page: number; limit: number };

const clientPath = (clientId: string) => `/api/clients/${encodeURIComponent(clientId)}`;

export function listClients(api: ApiClient, query: ClientPageQuery, signal?: AbortSignal): Promise<Page<Client>> {
  return api.get<Page<Client>>('/api/clients', { query: { ...query }, signal });
}

export function createClient(api: ApiClient, request: CreateClientRequest): Promise<CreatedClient> {
  return api.post<CreatedClient>('/api/clients', request);
}

export function updateClient(api: ApiClient, clientId: string, change: UpdateClientRequest): Promise<Client> {
  return api.patch<Client>(clientPath(clientId), change);
}

export function rotateClientSecret(api: ApiClient, clientId: string): Promise<RotatedSecret> {
  return api.post<RotatedSecret>(`${clientPath(clientId)}/secret`);
}

export function deleteClient(api: ApiClient, clientId: string): Promise<void> {
  return api.delete(clientPath(clientId));
}

export function getClient(api: ApiClient, clientId: string, signal?: AbortSignal): Promise<Client> {
  return api.get<Client>(clientPath(clientId), { signal });
}

/** Decides a pending self-registration. */
export function decideClient(api: ApiClient, clientId: string, decision: 'approve' | 'reject'): Promise<Client> {
  return api.post<Client>(`${clientPath(clientId)}/${decision}`);
}

/** `POST /api/launches`: an EHR launch of the client with a patient in context (SMART App Launch 2.2). */
export function createLaunch(api: ApiClient, request: LaunchRequest): Promise<LaunchResponse> {
  return api.post<LaunchResponse>('/api/launches', request);
}
