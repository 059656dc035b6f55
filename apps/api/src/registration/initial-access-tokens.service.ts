import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { InitialAccessTokenInfo, IssuedInitialAccessToken, IssueInitialAccessTokenRequest } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { notFound } from '../common/errors/domain-error';
import { generateClientSecret, hashClientSecret } from '../clients/client-secret';
import { InitialAccessTokenEntity } from './initial-access-token.entity';
import { invalidInitialAccessToken } from './registration.errors';

const DEFAULT_TTL_SECONDS = 86_400;

/**
 * RFC 7591 §3 initial access tokens: issued by administrators, each good for `max_uses` registrations until it
 * expires. Random like client secrets, so stored and looked up as an HMAC (DESIGN.md §Secrets).
 */
@Injectable()
export class InitialAccessTokensService {
  constructor(
    @InjectRepository(InitialAccessTokenEntity) private readonly repo: Repository<InitialAccessTokenEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(request: IssueInitialAccessTokenRequest): Promise<IssuedInitialAccessToken> {
    const token = generateClientSecret();
    const row = this.repo.create({
      id: randomUUID(),
      tokenHash: hashClientSecret(token, this.config.secretPepper),
      maxUses: request.max_uses ?? 1,
      uses: 0,
      expiresAt: new Date(Date.now() + (request.expires_in ?? DEFAULT_TTL_SECONDS) * 1000),
    });
    await this.repo.insert(row);
    return { id: row.id, initial_access_token: token, expires_at: row.expiresAt.toISOString(), max_uses: row.maxUses };
  }

  async list(): Promise<InitialAccessTokenInfo[]> {
    const rows = await this.repo.find({ order: { createdAt: 'DESC', id: 'ASC' } });
    const now = Date.now();
    return rows.map((r) => ({
      id: r.id,
      created_at: r.createdAt.toISOString(),
      expires_at: r.expiresAt.toISOString(),
      max_uses: r.maxUses,
      uses: r.uses,
      status: r.uses >= r.maxUses ? 'used_up' : r.expiresAt.getTime() <= now ? 'expired' : 'active',
    }));
  }

  async revoke(id: string): Promise<void> {
    const result = await this.repo.delete({ id });
    if (!result.affected) throw notFound('initial_access_token_not_found', `No initial access token ${id}`);
  }

  /** The token's record if it may register a client now; `spend` counts the use once the request is valid. */
  async authenticate(token: string | undefined): Promise<InitialAccessTokenEntity> {
    if (!token)
      throw invalidInitialAccessToken(
        'Registration needs an initial access token (Authorization: Bearer)',
        'initial_token_missing',
      );
    const row = await this.repo.findOneBy({ tokenHash: hashClientSecret(token, this.config.secretPepper) });
    if (!row) throw invalidInitialAccessToken('The initial access token is not valid', 'initial_token_invalid');
    if (row.expiresAt.getTime() <= Date.now())
      throw invalidInitialAccessToken('The initial access token has expired', 'initial_token_expired');
    if (row.uses >= row.maxUses) throw usedUp();
    return row;
  }

  /** Counts one use, in one conditional UPDATE so concurrent registrations (on any instance) cannot exceed max_uses. */
  async spend(row: InitialAccessTokenEntity): Promise<void> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ uses: () => 'uses + 1' })
      .where('id = :id AND uses < max_uses', { id: row.id })
      .execute();
    if (!result.affected) throw usedUp();
  }
}

function usedUp() {
  return invalidInitialAccessToken('The initial access token has been used up', 'initial_token_used_up');
}
