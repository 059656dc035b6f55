import { Inject, Injectable } from '@nestjs/common';
import type {
  Client,
  ClientListQuery,
  CreatedClient,
  Page,
  PortalClientRequest,
  PortalRegistrationInfo,
  RotatedSecret,
  ScopeCatalogEntry,
} from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ClientsService } from '../clients/clients.service';
import { ScopesService } from '../scopes/scopes.service';
import { RegistrationSettingsService } from '../registration/registration-settings.service';

/**
 * An integrator's own clients. Everything is scoped to the owner: another developer's client answers exactly as a
 * client that does not exist (404, same body), so the portal never confirms that someone else's client id is real.
 */
@Injectable()
export class PortalClientsService {
  constructor(
    private readonly clients: ClientsService,
    private readonly settings: RegistrationSettingsService,
    private readonly scopes: ScopesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The policy and the self-service allow-list, described from the scope catalog. */
  async registrationInfo(): Promise<PortalRegistrationInfo> {
    const { policy, self_service_scopes } = await this.settings.get();
    const catalog = new Map((await this.scopes.list()).map((entry) => [entry.scope, entry]));
    const scopes = self_service_scopes.map(
      (scope): ScopeCatalogEntry =>
        catalog.get(scope) ?? { scope, description: '', resource_types: [], self_service: true },
    );
    return { policy, scopes };
  }

  list(owner: string, query: ClientListQuery): Promise<Page<Client>> {
    return this.clients.list({ ...query, owner });
  }

  /**
   * Registers a client for `owner`: refused while registration is closed, pending an administrator's approval under
   * open-with-approval, and only with scopes the self-service allow-list covers (ClientsService applies the rules).
   */
  async create(owner: string, request: PortalClientRequest): Promise<CreatedClient> {
    const { policy, self_service_scopes } = await this.settings.get();
    if (policy === 'closed') {
      throw new DomainError(
        403,
        'registration_closed',
        'Registering new clients is closed on this server; ask an administrator for a client',
      );
    }
    const { client, secret } = await this.clients.create(request, {
      registeredBy: 'portal',
      owner,
      status: policy === 'open-with-approval' ? 'pending' : 'active',
      selfService: { allowedScopes: self_service_scopes, jwksUriAllowedHosts: this.config.jwksUriAllowedHosts },
    });
    return secret ? { ...client, client_secret: secret } : client;
  }

  async get(owner: string, clientId: string): Promise<Client> {
    const client = await this.clients.get(clientId);
    if (client.owner !== owner) throw notFound('client_not_found', `No client ${clientId}`);
    return client;
  }

  async remove(owner: string, clientId: string): Promise<void> {
    await this.get(owner, clientId);
    await this.clients.remove(clientId);
  }

  async rotateSecret(owner: string, clientId: string): Promise<RotatedSecret> {
    await this.get(owner, clientId);
    return { client_id: clientId, client_secret: await this.clients.rotateSecret(clientId) };
  }
}
