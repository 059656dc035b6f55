import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@ccri/contracts';
import { covers, parseScopes } from '@ccri/smart-scopes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClientsService } from '../clients/clients.service';
import { generateClientSecret } from '../clients/client-secret';
import { validateClientMetadata, type MetadataPolicy } from './client-metadata.validator';
import type { ClientRegistration } from './dto/client-registration.dto';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { RegistrationSettingsService } from './registration-settings.service';
import { invalidClientMetadata, registrationClosed } from './registration.errors';

/** RFC 7591 dynamic client registration and RFC 7592 client configuration, under the registration policy. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly clients: ClientsService,
    private readonly settings: RegistrationSettingsService,
    private readonly initialTokens: InitialAccessTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * RFC 7591 §3.1. The policy decides first, so an unauthorised caller learns nothing of the metadata rules; an
   * initial access token is spent only on a valid request. Open registrations wait for an administrator's approval.
   */
  async register(body: unknown, initialAccessToken: string | undefined): Promise<ClientRegistration> {
    const settings = await this.settings.get();
    if (settings.policy === 'closed') throw registrationClosed();
    const grant =
      settings.policy === 'initial-token' ? await this.initialTokens.authenticate(initialAccessToken) : null;
    const metadata = validateClientMetadata(body, this.metadataPolicy(settings.self_service_scopes));
    if (grant) await this.initialTokens.spend(grant);
    const registrationToken = generateClientSecret();
    const { client, secret } = await this.clients.create(metadata, {
      status: settings.policy === 'open-with-approval' ? 'pending' : 'active',
      registeredBy: 'dynamic',
      registrationToken,
      selfService: this.metadataPolicy(settings.self_service_scopes),
    });
    return this.registration(client, { client_secret: secret, registration_access_token: registrationToken });
  }

  /** RFC 7592 §2.1. */
  read(client: Client): ClientRegistration {
    return this.registration(client);
  }

  /**
   * RFC 7592 §2.2: the request replaces the metadata (omitted fields reset to their defaults). A client keeps the
   * scopes it holds and may add only self-service ones; under open-with-approval, adding any sends it back to approval.
   */
  async update(current: Client, body: unknown): Promise<ClientRegistration> {
    const settings = await this.settings.get();
    const held = parseScopes(current.scope).scopes;
    const allowed = [...settings.self_service_scopes, ...held.map((s) => s.raw)];
    const metadata = validateClientMetadata(body, this.metadataPolicy(allowed));
    const { client_id, client_secret } = body as Record<string, unknown>;
    if (client_id !== current.client_id) {
      throw invalidClientMetadata(
        'client_id must be present and be the id of the client being updated',
        'client_id_mismatch',
      );
    }
    // RFC 7592 §2.2: a client_secret sent must be the current one; a client never chooses its own.
    if (
      client_secret !== undefined &&
      (typeof client_secret !== 'string' || !(await this.clients.authenticateSecret(current.client_id, client_secret)))
    ) {
      throw invalidClientMetadata(
        'client_secret is not the current secret; the server issues secrets',
        'client_secret_mismatch',
      );
    }
    if (credentialKind(metadata.token_endpoint_auth_method) !== credentialKind(current.token_endpoint_auth_method)) {
      throw invalidClientMetadata(
        'token_endpoint_auth_method cannot switch between a client secret, private_key_jwt and none; register a new client',
        'auth_method_change',
      );
    }
    const widens = parseScopes(metadata.scope).scopes.some((s) => !held.some((h) => covers(h, s)));
    const updated = await this.clients.update(current.client_id, metadata, this.metadataPolicy(allowed));
    if (widens && settings.policy === 'open-with-approval' && updated.status === 'active') {
      return this.registration(await this.clients.setStatus(current.client_id, 'pending'));
    }
    return this.registration(updated);
  }

  /** RFC 7592 §2.3: the client, its secret and its registration access token are gone. */
  remove(client: Client): Promise<void> {
    return this.clients.remove(client.client_id);
  }

  private metadataPolicy(allowedScopes: readonly string[]): MetadataPolicy {
    return { allowedScopes, jwksUriAllowedHosts: this.config.jwksUriAllowedHosts };
  }

  private registration(
    client: Client,
    issued: { client_secret?: string; registration_access_token?: string } = {},
  ): ClientRegistration {
    return {
      client_id: client.client_id,
      ...(issued.client_secret ? { client_secret: issued.client_secret } : {}),
      client_id_issued_at: Math.floor(Date.parse(client.created_at) / 1000),
      ...(credentialKind(client.token_endpoint_auth_method) === 'secret'
        ? { client_secret_expires_at: 0 as const }
        : {}),
      ...(issued.registration_access_token ? { registration_access_token: issued.registration_access_token } : {}),
      registration_client_uri: `${this.config.publicUrl}/auth/register/${encodeURIComponent(client.client_id)}`,
      client_name: client.client_name,
      grant_types: client.grant_types,
      token_endpoint_auth_method: client.token_endpoint_auth_method,
      scope: client.scope,
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.jwks_uri ? { jwks_uri: client.jwks_uri } : {}),
      ...(client.token_endpoint_auth_signing_alg
        ? { token_endpoint_auth_signing_alg: client.token_endpoint_auth_signing_alg }
        : {}),
      ...(client.redirect_uris?.length ? { redirect_uris: client.redirect_uris } : {}),
      ...(client.launch_uri ? { launch_uri: client.launch_uri, initiate_login_uri: client.launch_uri } : {}),
      status: client.status,
    };
  }
}

/** How a client proves itself: a secret, a signed assertion, or nothing (a public client). */
function credentialKind(method: string): 'secret' | 'assertion' | 'none' {
  return method === 'private_key_jwt' ? 'assertion' : method === 'none' ? 'none' : 'secret';
}
