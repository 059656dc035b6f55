import type { DeveloperSession, LoginResponse } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

/** Who a provider signs in (DESIGN.md `/api/identity-providers`): people in apps, developers, administrators. */
export const FEDERATION_AUDIENCES = ['users', 'developers', 'admins'] as const;
export type FederationAudience = (typeof FEDERATION_AUDIENCES)[number];

export const AUDIENCE_LABELS: Record<FederationAudience, string> = {
  users: 'People signing in to apps',
  developers: 'Developers (portal)',
  admins: 'Administrators (dashboard)',
};

/** `GET /api/identity-providers/public?audience=…`: what a sign-in page needs for its buttons. */
export interface SignInProvider {
  id: string;
  name: string;
  start_url: string;
}

/** `GET /api/identity-providers`: every field but the client secret, which is write-only. */
export interface IdentityProvider {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  scopes: string;
  audiences: FederationAudience[];
  link_by_verified_email: boolean;
  auto_create: boolean;
  allowed_domains: string[];
  admin_allow_list: string[];
  /** The redirect URI to register with the provider. */
  callback_url: string;
  created_at: string;
  updated_at: string;
}

/** The body of `POST /api/identity-providers`; on `PATCH` every field is optional and no `client_secret` keeps it. */
export interface IdentityProviderRequest {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret?: string;
  scopes: string;
  audiences: FederationAudience[];
  link_by_verified_email: boolean;
  auto_create: boolean;
  allowed_domains: string[];
  admin_allow_list: string[];
}

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
