import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import type {
  Client,
  ClientStatus,
  CreateClientRequest,
  GrantType,
  Page,
  TokenEndpointAuthMethod,
  UpdateClientRequest,
} from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, notFound, validationFailed } from '../common/errors/domain-error';
import { ClientEntity } from './client.entity';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';

/** How long a client read for authentication is reused; another instance's change is seen within this time. */
const CLIENT_CACHE_MS = 1000;

export interface ClientListQuery {
  search?: string;
  status?: ClientStatus;
  /** Only the clients of this developer-portal account. */
  owner?: string;
  page?: number;
  limit?: number;
}

export interface CreateOptions {
  status?: ClientStatus;
  registeredBy?: 'admin' | 'dynamic' | 'portal';
  owner?: string | null;
  /** RFC 7592 registration access token to store (hashed). */
  registrationToken?: string;
}

/** A client as created from seed data, with a secret chosen by the caller (demo mode only). */
export interface SeedClient extends CreateClientRequest {
  client_id: string;
  client_secret: string;
}

@Injectable()
export class ClientsService {
  private readonly cache = new Map<string, { entity: ClientEntity | null; at: number }>();

  constructor(
    @InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The public representation: RFC 7591 names, never the secret hash. */
  toClient(e: ClientEntity): Client {
    return {
      client_id: e.clientId,
      client_name: e.clientName,
      description: e.description,
      grant_types: e.grantTypes.split(' ').filter(Boolean) as GrantType[],
      token_endpoint_auth_method: e.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
      scope: e.scope,
      jwks: e.jwks ? (JSON.parse(e.jwks) as Client['jwks']) : null,
      jwks_uri: e.jwksUri,
      patient: e.patient,
      enabled: e.enabled,
      single_active_token: e.singleActiveToken,
      token_ttl_seconds: e.tokenTtlSeconds,
      rate_limit_per_minute: e.rateLimitPerMinute,
      registered_by: e.registeredBy as Client['registered_by'],
      owner: e.owner,
      status: e.status as ClientStatus,
      created_at: e.createdAt.toISOString(),
      updated_at: e.updatedAt.toISOString(),
    };
  }

  async list(query: ClientListQuery): Promise<Page<Client>> {
    const page = query.page ?? 1;
    const limit = query.limit ?? 20;
    const qb = this.repo.createQueryBuilder('c');
    if (query.owner) qb.andWhere('c.owner = :owner', { owner: query.owner });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.search) {
      const like = `%${query.search.toLowerCase().replace(/[!%_]/g, (m) => '!' + m)}%`;
      qb.andWhere(
        new Brackets((w) => {
          w.where("LOWER(c.client_id) LIKE :like ESCAPE '!'", { like })
            .orWhere("LOWER(c.client_name) LIKE :like ESCAPE '!'", { like })
            .orWhere("LOWER(c.description) LIKE :like ESCAPE '!'", { like });
        }),
      );
    }
    qb.orderBy('c.created_at', 'DESC')
      .addOrderBy('c.client_id', 'ASC')
      .skip((page - 1) * limit)
      .take(limit);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map((r) => this.toClient(r)), total };
  }

  async get(clientId: string): Promise<Client> {
    return this.toClient(await this.require(clientId));
  }

  /** Creates a client; the secret (for secret-based methods) is returned only here. */
  async create(
    request: CreateClientRequest,
    options: CreateOptions = {},
  ): Promise<{ client: Client; secret?: string }> {
    const method = request.token_endpoint_auth_method ?? 'client_secret_basic';
    this.checkAuthMethod(method, request.jwks, request.jwks_uri);
    const secret = method === 'private_key_jwt' ? undefined : generateClientSecret();
    const entity = this.repo.create({
      clientId: randomUUID(),
      secretHash: secret ? hashClientSecret(secret, this.config.secretPepper) : null,
      status: options.status ?? 'active',
      registeredBy: options.registeredBy ?? 'admin',
      owner: options.owner ?? null,
      registrationTokenHash: options.registrationToken
        ? hashClientSecret(options.registrationToken, this.config.secretPepper)
        : null,
      ...this.fields(request, method),
    });
    await this.repo.insert(entity);
    return { client: this.toClient(await this.require(entity.clientId)), secret };
  }

  /** Creates or refreshes a client with a known id and secret (demo seed). */
  async upsertSeed(seed: SeedClient): Promise<void> {
    const method = seed.token_endpoint_auth_method ?? 'client_secret_basic';
    const existing = await this.repo.findOneBy({ clientId: seed.client_id });
    const fields = {
      ...this.fields(seed, method),
      secretHash: hashClientSecret(seed.client_secret, this.config.secretPepper),
    };
    if (existing) await this.repo.update({ clientId: seed.client_id }, fields);
    else await this.repo.insert(this.repo.create({ clientId: seed.client_id, status: 'active', ...fields }));
    this.cache.delete(seed.client_id);
  }

  async update(clientId: string, patch: UpdateClientRequest): Promise<Client> {
    const current = await this.require(clientId);
    const method = (patch.token_endpoint_auth_method ?? current.tokenEndpointAuthMethod) as TokenEndpointAuthMethod;
    const jwks = patch.jwks !== undefined ? patch.jwks : current.jwks ? JSON.parse(current.jwks) : null;
    const jwksUri = patch.jwks_uri !== undefined ? patch.jwks_uri : current.jwksUri;
    this.checkAuthMethod(method, jwks, jwksUri);
    const changes: Partial<ClientEntity> = {};
    if (patch.client_name !== undefined) changes.clientName = patch.client_name;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.grant_types !== undefined) changes.grantTypes = patch.grant_types.join(' ');
    if (patch.token_endpoint_auth_method !== undefined) {
      changes.tokenEndpointAuthMethod = patch.token_endpoint_auth_method;
      // A client that now signs assertions keeps no secret; one that moves back to a secret gets one by rotation.
      if (patch.token_endpoint_auth_method === 'private_key_jwt') changes.secretHash = null;
    }
    if (patch.scope !== undefined) changes.scope = normaliseScope(patch.scope);
    if (patch.jwks !== undefined) changes.jwks = patch.jwks ? JSON.stringify(patch.jwks) : null;
    if (patch.jwks_uri !== undefined) changes.jwksUri = patch.jwks_uri ?? null;
    if (patch.patient !== undefined) changes.patient = patch.patient ?? null;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.single_active_token !== undefined) changes.singleActiveToken = patch.single_active_token;
    if (patch.token_ttl_seconds !== undefined) changes.tokenTtlSeconds = patch.token_ttl_seconds ?? null;
    if (patch.rate_limit_per_minute !== undefined) changes.rateLimitPerMinute = patch.rate_limit_per_minute ?? null;
    if (Object.keys(changes).length > 0) {
      await this.repo.update({ clientId }, changes);
      this.cache.delete(clientId);
    }
    return this.get(clientId);
  }

  async setStatus(clientId: string, status: ClientStatus): Promise<Client> {
    await this.require(clientId);
    await this.repo.update({ clientId }, { status });
    this.cache.delete(clientId);
    return this.get(clientId);
  }

  async remove(clientId: string): Promise<void> {
    await this.require(clientId);
    await this.repo.delete({ clientId });
    this.cache.delete(clientId);
  }

  /** A new secret; the old one stops working at once on this instance and within a second on the others. */
  async rotateSecret(clientId: string): Promise<string> {
    const client = await this.require(clientId);
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
      throw new DomainError(409, 'no_secret', 'This client authenticates with private_key_jwt and has no secret');
    }
    const secret = generateClientSecret();
    await this.repo.update({ clientId }, { secretHash: hashClientSecret(secret, this.config.secretPepper) });
    this.cache.delete(clientId);
    return secret;
  }

  /**
   * The client if `secret` is its secret, else null. Unknown clients cost the same hash and comparison,
   * so response timing does not reveal which client ids exist.
   */
  async authenticateSecret(clientId: string, secret: string): Promise<ClientEntity | null> {
    const client = await this.findCached(clientId);
    const ok = verifyClientSecret(secret, client?.secretHash ?? null, this.config.secretPepper);
    return ok && client ? client : null;
  }

  /** The client whose RFC 7592 registration access token this is, or null (constant-time comparison). */
  async authenticateRegistrationToken(clientId: string, token: string): Promise<ClientEntity | null> {
    const client = clientId.length <= 100 ? await this.repo.findOneBy({ clientId }) : null;
    const ok = verifyClientSecret(token, client?.registrationTokenHash ?? null, this.config.secretPepper);
    return ok && client ? client : null;
  }

  /** A client usable for tokens: exists, enabled, approved. Cached for a second. */
  async findActive(clientId: string): Promise<ClientEntity | null> {
    const client = await this.findCached(clientId);
    return client && client.enabled && client.status === 'active' ? client : null;
  }

  async findCached(clientId: string): Promise<ClientEntity | null> {
    const now = Date.now();
    const hit = this.cache.get(clientId);
    if (hit && now - hit.at < CLIENT_CACHE_MS) return hit.entity;
    const entity = clientId.length <= 100 ? await this.repo.findOneBy({ clientId }) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { entity, at: now });
    return entity;
  }

  private async require(clientId: string): Promise<ClientEntity> {
    const entity = clientId.length <= 100 ? await this.repo.findOneBy({ clientId }) : null;
    if (!entity) throw notFound('client_not_found', `No client ${clientId}`);
    return entity;
  }

  private fields(request: CreateClientRequest, method: TokenEndpointAuthMethod): Partial<ClientEntity> {
    return {
      clientName: request.client_name,
      description: request.description ?? '',
      grantTypes: (request.grant_types ?? ['client_credentials']).join(' '),
      tokenEndpointAuthMethod: method,
      scope: normaliseScope(request.scope),
      jwks: request.jwks ? JSON.stringify(request.jwks) : null,
      jwksUri: request.jwks_uri ?? null,
      patient: request.patient ?? null,
      enabled: request.enabled ?? true,
      singleActiveToken: request.single_active_token ?? false,
      tokenTtlSeconds: request.token_ttl_seconds ?? null,
      rateLimitPerMinute: request.rate_limit_per_minute ?? null,
    };
  }

  private checkAuthMethod(method: TokenEndpointAuthMethod, jwks: unknown, jwksUri: string | null | undefined): void {
    if (method === 'private_key_jwt' && !jwks && !jwksUri) {
      throw validationFailed('A private_key_jwt client needs jwks or jwks_uri', [
        { field: 'jwks', message: 'jwks or jwks_uri is required for private_key_jwt' },
      ]);
    }
  }
}

function normaliseScope(scope: string): string {
  return [...new Set(scope.split(/\s+/).filter(Boolean))].join(' ');
}
