import type {
  DeveloperSession,
  FederationAudience,
  IdentityProvider,
  IdentityProviderRequest,
  LoginResponse,
  SignInProvider,
} from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export const AUDIENCE_LABELS: Record<FederationAudience, string> = {
  users: 'People signing in to apps',
  developers: 'Developers (portal)',
  admins: 'Administrators (dashboard)',
};

/** `POST /api/auth/federated-session` answers with the administrator it signed in. */
export type FederatedAdminSession = LoginResponse & { username: string };

const providerPath = (id: string) => `/api/identity-providers/${encodeURIComponent(id)}`;

export function listSignInProviders(
  api: ApiClient,
  audience: FederationAudience,
  signal?: AbortSignal,
): Promise<SignInProvider[]> {
  return api.get<SignInProvider[]>('/api/identity-providers/public', { query: { audience }, signal });
}

/** Exchanges the one-time `federation_code` of the URL fragment for an administrator session. */
export function exchangeAdminCode(api: ApiClient, code: string): Promise<FederatedAdminSession> {
  return api.post<FederatedAdminSession>('/api/auth/federated-session', { code });
}

/** Exchanges the one-time `federation_code` of the URL fragment for a developer-portal session. */
export function exchangePortalCode(api: ApiClient, code: string): Promise<DeveloperSession> {
  return api.post<DeveloperSession>('/api/portal/federated-session', { code });
}

export function listIdentityProviders(api: ApiClient, signal?: AbortSignal): Promise<IdentityProvider[]> {
  return api.get<IdentityProvider[]>('/api/identity-providers', { signal });
}

export function createIdentityProvider(api: ApiClient, request: IdentityProviderRequest): Promise<IdentityProvider> {
  return api.post<IdentityProvider>('/api/identity-providers', request);
}

export function updateIdentityProvider(
  api: ApiClient,
  id: string,
  change: Partial<Omit<IdentityProviderRequest, 'id'>>,
): Promise<IdentityProvider> {
  return api.patch<IdentityProvider>(providerPath(id), change);
}

export function deleteIdentityProvider(api: ApiClient, id: string): Promise<void> {
  return api.delete(providerPath(id));
}

/** Removes one external identity from a person: it no longer signs them in. */
export function unlinkExternalIdentity(api: ApiClient, userId: string, linkId: string): Promise<void> {
  return api.delete(`/api/users/${encodeURIComponent(userId)}/external-identities/${encodeURIComponent(linkId)}`);
}
