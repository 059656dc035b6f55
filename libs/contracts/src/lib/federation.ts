/** Who a provider signs in (DESIGN.md `/api/identity-providers`): people in apps, developers, administrators. */
export const FEDERATION_AUDIENCES = ['users', 'developers', 'admins'] as const;
export type FederationAudience = (typeof FEDERATION_AUDIENCES)[number];

/**
 * An external OpenID provider as an administrator sets it (OIDC_PROVIDERS, `/api/identity-providers`), but for its
 * client secret, which is write-only.
 */
export interface IdentityProviderSettings {
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
}

/** `GET /api/identity-providers`: every field but the client secret. */
export interface IdentityProvider extends IdentityProviderSettings {
  /** The redirect URI to register with the provider. */
  callback_url: string;
  created_at: string;
  updated_at: string;
}

/** The body of `POST /api/identity-providers`; on `PATCH` every field is optional and no `client_secret` keeps it. */
export interface IdentityProviderRequest extends IdentityProviderSettings {
  client_secret?: string;
}

/** `GET /api/identity-providers/public?audience=…`: what a sign-in page needs for its buttons, nothing more. */
export interface SignInProvider {
  id: string;
  name: string;
  start_url: string;
}
