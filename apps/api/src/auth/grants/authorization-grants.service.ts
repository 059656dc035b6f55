import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import type { AuthorizationGrant } from '@ccri/contracts';
import { notFound } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import { EndUserEntity } from '../../users/end-user.entity';
import { AuthorizationGrantEntity } from '../authorize/authorization-grant.entity';
import { RefreshTokensService } from '../tokens/refresh-tokens.service';
import { TokenStoreService } from '../tokens/token-store.service';

const LIST_LIMIT = 500;

/**
 * Authorization grants (a person's consent to an app and the refresh-token family issued under it): listing for
 * administrators and revocation, which reaches every access and refresh token issued under the grant.
 */
@Injectable()
export class AuthorizationGrantsService {
  constructor(
    @InjectRepository(AuthorizationGrantEntity) private readonly repo: Repository<AuthorizationGrantEntity>,
    private readonly store: TokenStoreService,
    private readonly refreshTokens: RefreshTokensService,
    @InjectRepository(EndUserEntity) private readonly users: Repository<EndUserEntity>,
    private readonly clients: ClientsService,
  ) {}

  find(id: string): Promise<AuthorizationGrantEntity | null> {
    return id.length <= 36 ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  /** Live (unrevoked) grants, newest first, optionally of one person and/or one client. */
  async list(filter: { user?: string; clientId?: string }): Promise<AuthorizationGrant[]> {
    const rows = await this.repo.find({
      where: {
        revokedAt: IsNull(),
        ...(filter.user ? { userId: filter.user } : {}),
        ...(filter.clientId ? { clientId: filter.clientId } : {}),
      },
      order: { createdAt: 'DESC' },
      take: LIST_LIMIT,
    });
    const userIds = [...new Set(rows.map((r) => r.userId))];
    const people = userIds.length
      ? await this.users.find({ select: { id: true, username: true }, where: { id: In(userIds) } })
      : [];
    const users = new Map(people.map((u) => [u.id, u.username]));
    const names = new Map<string, string | undefined>();
    for (const clientId of new Set(rows.map((r) => r.clientId))) {
      names.set(clientId, (await this.clients.findCached(clientId))?.clientName ?? undefined);
    }
    return rows.map((g) => ({
      id: g.id,
      user_id: g.userId,
      username: users.get(g.userId) ?? '',
      client_id: g.clientId,
      client_name: names.get(g.clientId),
      scope: g.scope,
      patient: g.patient,
      kind: (['offline', 'online'].includes(g.kind) ? g.kind : 'consent') as AuthorizationGrant['kind'],
      created_at: g.createdAt.toISOString(),
      last_used_at: g.lastUsedAt?.toISOString() ?? null,
      expires_at: g.expiresAt?.toISOString() ?? null,
    }));
  }

  /** Revokes every access and refresh token issued under the grant; the consent itself stays. */
  async revokeTokens(grantId: string): Promise<void> {
    await this.refreshTokens.revokeGrant(grantId);
    await this.store.revokeGrant(grantId);
  }

  /** Revokes the grant and every token issued under it (all instances refuse them within 2 s). */
  async revoke(grantId: string): Promise<void> {
    await this.repo.update({ id: grantId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.revokeTokens(grantId);
  }

  /** Revokes a grant by an administrator: 404 when there is no such grant. */
  async revokeById(grantId: string): Promise<AuthorizationGrantEntity> {
    const grant = await this.find(grantId);
    if (!grant) throw notFound('grant_not_found', `No grant ${grantId}`);
    await this.revoke(grant.id);
    return grant;
  }

  async touch(grantId: string): Promise<void> {
    await this.repo.update({ id: grantId }, { lastUsedAt: new Date() });
  }
}
