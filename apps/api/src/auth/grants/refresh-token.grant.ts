import { Injectable } from '@nestjs/common';
import { covers, parseScopes, splitScopes } from '@ccri/smart-scopes';
import { oauthError } from '../../common/errors/domain-error';
import type { ClientEntity } from '../../clients/client.entity';
import type { AuditedRequest } from '../../common/http/audit-stage';
import { UsersService } from '../../users/users.service';
import type { TokenResponse } from '../tokens/access-token.service';
import { RefreshTokensService } from '../tokens/refresh-tokens.service';
import { TokenStoreService } from '../tokens/token-store.service';
import { AuthorizationGrantsService } from './authorization-grants.service';
import type { TokenRequestParams } from './client-credentials.grant';
import { PersonTokensService } from './person-tokens.service';

/**
 * RFC 6749 §6 refresh token grant. Refresh tokens are bound to their client and rotated on every use; presenting a
 * rotated one again means it leaked, so the whole grant is revoked (RFC 9700 §4.14.2). `online_access` ones end with
 * the person's sign-in session.
 */
@Injectable()
export class RefreshTokenGrant {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: AuthorizationGrantsService,
    private readonly personTokens: PersonTokensService,
    private readonly store: TokenStoreService,
    private readonly users: UsersService,
  ) {}

  async handle(client: ClientEntity, params: TokenRequestParams, audited?: AuditedRequest): Promise<TokenResponse> {
    if (!params.refresh_token) throw oauthError('invalid_request', 'refresh_token is required');
    const token = await this.refreshTokens.find(params.refresh_token);
    if (!token) throw invalidGrant('unknown_refresh_token');
    // RFC 6749 §6: the refresh token is bound to the client it was issued to.
    if (token.clientId !== client.clientId) throw invalidGrant('client_mismatch');
    if (token.usedAt) return this.reused(token.grantId);
    if (token.revokedAt) throw invalidGrant('refresh_token_revoked');
    if (token.expiresAt.getTime() <= Date.now()) throw invalidGrant('refresh_token_expired');
    const scopes = narrowedScopes(params.scope, token.scope);
    const grant = await this.grants.find(token.grantId);
    if (!grant || grant.revokedAt) throw invalidGrant('grant_revoked');
    if (token.sessionId) await this.requireLiveSession(token.sessionId, token.userId);
    if (!(await this.refreshTokens.claim(token))) return this.reused(token.grantId);
    await this.grants.touch(grant.id);
    return this.personTokens.respond(
      client,
      {
        userId: token.userId,
        grantId: token.grantId,
        scopes,
        patient: token.patient,
        encounter: token.encounter,
        authTime: token.authTime,
        sessionId: token.sessionId,
        refreshExpiresAt: token.expiresAt,
        refreshScope: token.scope,
      },
      this.grantType,
      audited,
    );
  }

  /** RFC 9700 §4.14.2: a rotated refresh token used again revokes the grant and all its tokens. */
  private async reused(grantId: string): Promise<never> {
    await this.grants.revoke(grantId);
    throw invalidGrant('refresh_token_reused');
  }

  /** SMART App Launch 2.2: an online_access refresh token is usable only while the sign-in session lasts. */
  private async requireLiveSession(sessionId: string, userId: string): Promise<void> {
    const session = await this.store.find(sessionId);
    const user = await this.users.findById(userId);
    const ended =
      !session ||
      session.revokedAt !== null ||
      session.expiresAt.getTime() <= Date.now() ||
      (user?.sessionsValidAfter && session.issuedAt.getTime() < user.sessionsValidAfter.getTime());
    if (ended) throw invalidGrant('session_ended');
  }
}

/** RFC 6749 §6: the requested scope must not include any scope not originally granted; omitted means all of it. */
function narrowedScopes(requested: string | undefined, original: string): string[] {
  if (!requested) return splitScopes(original);
  const parsed = parseScopes(requested);
  const originals = parseScopes(original).scopes;
  const wider = [
    ...parsed.invalid,
    ...parsed.scopes.filter((s) => !originals.some((o) => covers(o, s))).map((s) => s.raw),
  ];
  if (wider.length > 0) {
    throw oauthError('invalid_scope', `Scope not originally granted: ${wider.join(' ').slice(0, 200)}`);
  }
  return parsed.scopes.map((s) => s.raw);
}

function invalidGrant(reason: string) {
  return oauthError('invalid_grant', 'The refresh token is invalid, expired, revoked or not yours', 400, {
    auditReason: reason,
  });
}
