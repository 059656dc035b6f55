import { Injectable } from '@nestjs/common';
import type {
  Client,
  CreatedClient,
  Page,
  PortalClientRequest,
  PortalRegistrationInfo,
  RotatedSecret,
  ScopeCatalogEntry,
} from '@ccri/contracts';
import { covers, parseScopes } from '@ccri/smart-scopes';
import { DomainError, notFound, validationFailed } from '../common/errors/domain-error';
import { ClientsService, type ClientListQuery } from '../clients/clients.service';
import { ScopesService } from '../scopes/scopes.service';
import { RegistrationSettingsService } from '../registration/registration-settings.service';

/** RFC 7518 §6.2.2, §6.3.2 and §6.4.1: JWK members that carry private or symmetric key material. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

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

  list(owner: string, query: Omit<ClientListQuery, 'owner'>): Promise<Page<Client>> {
    return this.clients.list({ ...query, owner });
  }

  /**
   * Registers a client for `owner`: refused while registration is closed, pending an administrator's approval under
   * open-with-approval, and only with scopes the self-service allow-list covers.
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
    checkScopes(request.scope, self_service_scopes);
    checkPublicKeys(request.jwks);
    const { client, secret } = await this.clients.create(
      { ...request, grant_types: ['client_credentials'] },
      { registeredBy: 'portal', owner, status: policy === 'open-with-approval' ? 'pending' : 'active' },
    );
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

/** Every requested scope must be covered by one on the allow-list (an allowed wildcard covers a narrower scope). */
function checkScopes(scope: string, allowList: readonly string[]): void {
  const allowed = parseScopes(allowList.join(' ')).scopes;
  const refused = parseScopes(scope).scopes.filter((s) => !allowed.some((a) => covers(a, s)));
  if (refused.length > 0) {
    const names = refused.map((s) => s.raw).join(' ');
    throw validationFailed(`Not offered for self-service registration: ${names}`, [
      { field: 'scope', message: `not offered for self-service registration: ${names}` },
    ]);
  }
}

/** A JWK Set (RFC 7517 §5) of public keys: a private key pasted by mistake is not stored (RFC 7523 §3 needs the public half). */
function checkPublicKeys(jwks: PortalClientRequest['jwks']): void {
  if (jwks === undefined || jwks === null) return;
  if (
    !Array.isArray(jwks.keys) ||
    jwks.keys.length === 0 ||
    jwks.keys.some((key) => typeof key !== 'object' || key === null || Array.isArray(key))
  ) {
    throw validationFailed('jwks is not a JWK Set', [
      { field: 'jwks', message: 'must be a JWK Set: {"keys": [ ... ]} with at least one key' },
    ]);
  }
  if (jwks.keys.some((key) => PRIVATE_JWK_MEMBERS.some((m) => m in key))) {
    throw validationFailed('The JWK Set holds private key material', [
      { field: 'jwks', message: 'holds private key material; register the public keys only' },
    ]);
  }
}
