import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import type {
  Client,
  ClientListQuery,
  ClientStatus,
  CreateClientRequest,
  GrantType,
  Page,
  TokenEndpointAuthMethod,
  UpdateClientRequest,
} from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, notFound } from '../common/errors/domain-error';
import { ClientEntity } from './client.entity';
import { checkClientRules, type ClientRulesInput, type SelfServicePolicy } from './client-rules';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';
import { DEMO_CLIENT_IDS } from '../demo/demo-clients';

/** How long a client read for authentication is reused; another instance's change is seen within this time. */
const CLIENT_CACHE_MS = 1000;
/** How long the CORS origin list is reused; another instance's change is seen within this time. */
const ORIGINS_CACHE_MS = 10_000;
/** Methods whose client holds a secret (RFC 6749 §2.3.1). */
const SECRET_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post'];

export interface OwnedClientListQuery extends ClientListQuery {
  /** Only the clients of this developer-portal account. */
  owner?: string;
}

export interface CreateOptions {
  status?: ClientStatus;
  registeredBy?: 'admin' | 'dynamic' | 'portal';
  owner?: string | null;
  /** RFC 7592 registration access token to store (hashed). */
  registrationToken?: string;
  /** A self-registered client: limited to the self-service scopes and key hosts. */
  selfService?: SelfServicePolicy;
}

/** A client as created from seed data, with a secret chosen by the caller (demo mode only). */
export interface SeedClient extends CreateClientRequest {
  client_id: string;
  client_secret: string;
}

@Injectable()
export class ClientsService {
  private readonly cache = new Map<string, { entity: ClientEntity | null; at: number }>();
  private origins: { set: Promise<ReadonlySet<string>>; at: number } | null = null;

  constructor(
    @InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A demo client (its secret is published) while demo mode is off: it authenticates nowhere and its tokens are
   * refused, though its row stays (DESIGN.md §Demo mode).
   */
  isRefusedDemoClient(clientId: string): boolean {
    return !this.config.demoMode && DEMO_CLIENT_IDS.has(clientId);
  }

  /** One of the CCRI's published demo clients, in demo mode (their walkthrough sends the secret either way). */
  isServedDemoClient(clientId: string): boolean {
    return this.config.demoMode && DEMO_CLIENT_IDS.has(clientId);
  }

  /** The public representation: RFC 7591 names, never the secret hash. */
  toClient(e: ClientEntity): Client {
    const demo = DEMO_CLIENT_IDS.has(e.clientId);
    return {
      ...(demo ? { demo: true } : {}),
      client_id: e.clientId,
      client_name: e.clientName,
      description: e.description,
      grant_types: e.grantTypes.split(' ').filter(Boolean) as GrantType[],
      token_endpoint_auth_method: e.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
      scope: e.scope,
      jwks: e.jwks ? (JSON.parse(e.jwks) as Client['jwks']) : null,
      jwks_uri: e.jwksUri,
      token_endpoint_auth_signing_alg: e.tokenEndpointAuthSigningAlg,
      redirect_uris: redirectUrisOf(e),
      launch_uri: e.launchUri,
      patient: e.patient,
      // Effectively: a demo client outside demo mode is refused whatever its stored flag says.
      enabled: e.enabled && !this.isRefusedDemoClient(e.clientId),
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

  async list(query: OwnedClientListQuery): Promise<Page<Client>> {
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
    this.checkRules(rulesInput(request, method), options.selfService);
    const secret = SECRET_METHODS.includes(method) ? generateClientSecret() : undefined;
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
    this.origins = null;
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
    this.changed(seed.client_id);
  }

  async update(clientId: string, patch: UpdateClientRequest, selfService?: SelfServicePolicy): Promise<Client> {
    const current = await this.require(clientId);
    const now = this.toClient(current);
    const merged: CreateClientRequest = { ...now };
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
    const method = merged.token_endpoint_auth_method ?? 'client_secret_basic';
    this.checkRules(rulesInput(merged, method), selfService);
    const changes: Partial<ClientEntity> = {};
    if (patch.client_name !== undefined) changes.clientName = patch.client_name;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.grant_types !== undefined) changes.grantTypes = patch.grant_types.join(' ');
    if (patch.token_endpoint_auth_method !== undefined) {
      changes.tokenEndpointAuthMethod = patch.token_endpoint_auth_method;
      // A client that now signs assertions or is public keeps no secret; one that moves back gets one by rotation.
      if (!SECRET_METHODS.includes(patch.token_endpoint_auth_method)) changes.secretHash = null;
    }
    if (patch.scope !== undefined) changes.scope = normaliseScope(patch.scope);
    if (patch.jwks !== undefined) changes.jwks = patch.jwks ? JSON.stringify(patch.jwks) : null;
    if (patch.jwks_uri !== undefined) changes.jwksUri = patch.jwks_uri ?? null;
    if (patch.token_endpoint_auth_signing_alg !== undefined)
      changes.tokenEndpointAuthSigningAlg = patch.token_endpoint_auth_signing_alg ?? null;
    if (patch.redirect_uris !== undefined) changes.redirectUris = JSON.stringify(patch.redirect_uris ?? []);
    if (patch.launch_uri !== undefined) changes.launchUri = patch.launch_uri ?? null;
    if (patch.patient !== undefined) changes.patient = patch.patient ?? null;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.single_active_token !== undefined) changes.singleActiveToken = patch.single_active_token;
    if (patch.token_ttl_seconds !== undefined) changes.tokenTtlSeconds = patch.token_ttl_seconds ?? null;
    if (patch.rate_limit_per_minute !== undefined) changes.rateLimitPerMinute = patch.rate_limit_per_minute ?? null;
    if (Object.keys(changes).length > 0) {
      await this.repo.update({ clientId }, changes);
      this.changed(clientId);
    }
    return this.get(clientId);
  }

  async setStatus(clientId: string, status: ClientStatus): Promise<Client> {
    await this.require(clientId);
    await this.repo.update({ clientId }, { status });
    this.changed(clientId);
    return this.get(clientId);
  }

  async remove(clientId: string): Promise<void> {
    await this.require(clientId);
    await this.repo.delete({ clientId });
    this.changed(clientId);
  }

  /** A new secret; the old one stops working at once on this instance and within a second on the others. */
  async rotateSecret(clientId: string): Promise<string> {
    const client = await this.require(clientId);
    if (!SECRET_METHODS.includes(client.tokenEndpointAuthMethod)) {
      throw new DomainError(
        409,
        'no_secret',
        `This client authenticates with ${client.tokenEndpointAuthMethod} and has no secret`,
      );
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

  /** A client usable for tokens: exists, enabled, approved (and not a demo client outside demo mode). Cached for a second. */
  async findActive(clientId: string): Promise<ClientEntity | null> {
    const client = await this.findCached(clientId);
    return client && client.enabled && client.status === 'active' && !this.isRefusedDemoClient(clientId)
      ? client
      : null;
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

  /**
   * The rules every client obeys, whichever way it is registered (clients/client-rules.ts); self-registered clients
   * are also held to the self-service policy. Callers that must refuse before spending anything call it first.
   */
  checkRules(input: ClientRulesInput, selfService?: SelfServicePolicy): void {
    checkClientRules(input, selfService);
  }

  /**
   * The browser origins of every usable client's redirect URIs (Fetch standard §3.2 origin), for CORS. Refreshed
   * when a client changes on this instance, and at least every 10 seconds for changes made on others.
   */
  redirectOrigins(): Promise<ReadonlySet<string>> {
    const now = Date.now();
    if (this.origins && now - this.origins.at < ORIGINS_CACHE_MS) return this.origins.set;
    const set = this.loadOrigins();
    this.origins = { set, at: now };
    set.catch(() => (this.origins = null));
    return set;
  }

  private async loadOrigins(): Promise<ReadonlySet<string>> {
    const rows = await this.repo
      .createQueryBuilder('c')
      .select('c.redirectUris', 'redirect_uris')
      .where('c.redirect_uris IS NOT NULL')
      .andWhere('c.enabled = :enabled', { enabled: true })
      .andWhere('c.status = :status', { status: 'active' })
      .getRawMany<{ redirect_uris: string | null }>();
    const origins = new Set<string>();
    for (const row of rows) {
      for (const uri of parseUris(row.redirect_uris)) {
        const url = URL.canParse(uri) ? new URL(uri) : null;
        if (url && (url.protocol === 'https:' || url.protocol === 'http:')) origins.add(url.origin);
      }
    }
    return origins;
  }

  private changed(clientId: string): void {
    this.cache.delete(clientId);
    this.origins = null;
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
      tokenEndpointAuthSigningAlg: request.token_endpoint_auth_signing_alg ?? null,
      redirectUris: request.redirect_uris?.length ? JSON.stringify(request.redirect_uris) : null,
      launchUri: request.launch_uri ?? null,
      patient: request.patient ?? null,
      enabled: request.enabled ?? true,
      singleActiveToken: request.single_active_token ?? false,
      tokenTtlSeconds: request.token_ttl_seconds ?? null,
      rateLimitPerMinute: request.rate_limit_per_minute ?? null,
    };
  }
}

function rulesInput(r: CreateClientRequest, method: TokenEndpointAuthMethod): ClientRulesInput {
  return {
    grant_types: r.grant_types ?? ['client_credentials'],
    token_endpoint_auth_method: method,
    scope: r.scope,
    jwks: r.jwks ?? null,
    jwks_uri: r.jwks_uri ?? null,
    token_endpoint_auth_signing_alg: r.token_endpoint_auth_signing_alg ?? null,
    redirect_uris: r.redirect_uris ?? [],
    launch_uri: r.launch_uri ?? null,
  };
}

function redirectUrisOf(e: ClientEntity): string[] {
  return parseUris(e.redirectUris);
}

function parseUris(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function normaliseScope(scope: string): string {
  return [...new Set(scope.split(/\s+/).filter(Boolean))].join(' ');
}
