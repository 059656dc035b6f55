import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { FederationAudience, IdentityProvider, SignInProvider } from '@ccri/contracts';
import { normaliseProvider, providerProblem, type AppConfig, type OidcProviderConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, notFound, validationFailed } from '../common/errors/domain-error';
import { KeyEncryption } from '../auth/keys/key-encryption';
import { IdentityProviderEntity } from './identity-provider.entity';
import type { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';

/** A provider ready for the relying party: its secret decrypted (kept in memory only, never returned or logged). */
export interface ResolvedProvider extends OidcProviderConfig {
  updatedAt: number;
}

function list(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** External OpenID providers: administered through the API and bootstrapped from OIDC_PROVIDERS. */
@Injectable()
export class IdentityProvidersService implements OnApplicationBootstrap {
  private readonly encryption: KeyEncryption;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(IdentityProviderEntity) private readonly repo: Repository<IdentityProviderEntity>,
  ) {
    this.encryption = new KeyEncryption(config.secretPepper);
  }

  /** OIDC_PROVIDERS is the source of truth for the providers it names: created or brought up to date at start. */
  async onApplicationBootstrap(): Promise<void> {
    for (const p of this.config.oidcProviders) {
      const existing = await this.repo.findOneBy({ id: p.id });
      await this.repo.save(this.toEntity(p, existing ?? this.repo.create({ id: p.id })));
    }
  }

  async list(): Promise<IdentityProvider[]> {
    const rows = await this.repo.find({ order: { id: 'ASC' } });
    return rows.map((r) => this.toProvider(r));
  }

  async get(id: string): Promise<IdentityProvider> {
    return this.toProvider(await this.require(id));
  }

  async create(body: CreateIdentityProviderDto): Promise<IdentityProvider> {
    const p = this.validated(body as unknown as Record<string, unknown>);
    if (await this.repo.existsBy({ id: p.id }))
      throw new DomainError(409, 'identity_provider_exists', `A provider with id "${p.id}" already exists`);
    return this.toProvider(await this.repo.save(this.toEntity(p, this.repo.create({ id: p.id }))));
  }

  async update(id: string, body: UpdateIdentityProviderDto): Promise<IdentityProvider> {
    const row = await this.require(id);
    const current = this.resolve(row);
    const merged = { ...current, ...(body as Record<string, unknown>), id: row.id };
    const p = this.validated(merged);
    return this.toProvider(await this.repo.save(this.toEntity(p, row)));
  }

  async remove(id: string): Promise<void> {
    await this.require(id);
    await this.repo.delete({ id });
  }

  /** Providers that serve `audience`, for the sign-in buttons. */
  async publicList(audience?: FederationAudience): Promise<SignInProvider[]> {
    const rows = await this.repo.find({ order: { name: 'ASC' } });
    return rows
      .filter((r) => !audience || list(r.audiences).includes(audience))
      .map((r) => ({ id: r.id, name: r.name, start_url: this.startUrl(r.id, audience) }));
  }

  startUrl(id: string, audience?: FederationAudience): string {
    const base = `${this.config.publicUrl}/auth/federation/${id}/start`;
    return audience ? `${base}?audience=${audience}` : base;
  }

  callbackUrl(id: string): string {
    return `${this.config.publicUrl}/auth/federation/${id}/callback`;
  }

  /** The provider with its secret decrypted, or null. */
  async find(id: string): Promise<ResolvedProvider | null> {
    if (typeof id !== 'string' || id.length > 63) return null;
    const row = await this.repo.findOneBy({ id });
    return row ? this.resolve(row) : null;
  }

  private resolve(row: IdentityProviderEntity): ResolvedProvider {
    return {
      id: row.id,
      name: row.name,
      issuer: row.issuer,
      client_id: row.clientId,
      client_secret: this.encryption.decrypt(row.clientSecretEncrypted),
      scopes: row.scopes,
      audiences: list(row.audiences) as FederationAudience[],
      link_by_verified_email: row.linkByVerifiedEmail,
      auto_create: row.autoCreate,
      allowed_domains: list(row.allowedDomains),
      admin_allow_list: list(row.adminAllowList),
      updatedAt: row.updatedAt?.getTime() ?? 0,
    };
  }

  private validated(body: Record<string, unknown>): OidcProviderConfig {
    const problem = providerProblem(body);
    if (problem) throw validationFailed(problem, [{ field: problem.split(' ')[0], message: problem }]);
    return normaliseProvider(body);
  }

  private async require(id: string): Promise<IdentityProviderEntity> {
    const row = id.length <= 63 ? await this.repo.findOneBy({ id }) : null;
    if (!row) throw notFound('identity_provider_not_found', `No identity provider with id "${id.slice(0, 64)}"`);
    return row;
  }

  private toEntity(p: OidcProviderConfig, row: IdentityProviderEntity): IdentityProviderEntity {
    row.name = p.name;
    row.issuer = p.issuer;
    row.clientId = p.client_id;
    row.clientSecretEncrypted = this.encryption.encrypt(p.client_secret);
    row.scopes = p.scopes;
    row.audiences = JSON.stringify(p.audiences);
    row.linkByVerifiedEmail = p.link_by_verified_email;
    row.autoCreate = p.auto_create;
    row.allowedDomains = JSON.stringify(p.allowed_domains);
    row.adminAllowList = JSON.stringify(p.admin_allow_list);
    return row;
  }

  private toProvider(r: IdentityProviderEntity): IdentityProvider {
    return {
      id: r.id,
      name: r.name,
      issuer: r.issuer,
      client_id: r.clientId,
      scopes: r.scopes,
      audiences: list(r.audiences) as FederationAudience[],
      link_by_verified_email: r.linkByVerifiedEmail,
      auto_create: r.autoCreate,
      allowed_domains: list(r.allowedDomains),
      admin_allow_list: list(r.adminAllowList),
      callback_url: this.callbackUrl(r.id),
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    };
  }
}
