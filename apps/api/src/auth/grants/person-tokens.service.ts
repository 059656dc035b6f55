import { Inject, Injectable } from '@nestjs/common';
import { actorOf } from '../../users/user-actor';
import { setTokenActor } from './token-actor';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { oauthError } from '../../common/errors/domain-error';
import type { ClientEntity } from '../../clients/client.entity';
import type { AuditedRequest } from '../../common/http/audit-stage';
import { UsersService } from '../../users/users.service';
import { AccessTokenService, TokenResponse } from '../tokens/access-token.service';
import { IdTokenService } from '../tokens/id-token.service';
import { RefreshTokensService } from '../tokens/refresh-tokens.service';
import { TokenStoreService } from '../tokens/token-store.service';

/** What a token response acting for a person is made from (a redeemed code, or a refresh token). */
export interface PersonGrantContext {
  userId: string;
  grantId: string;
  scopes: string[];
  patient: string | null;
  encounter: string | null;
  nonce?: string | null;
  authTime: Date;
  /** The sign-in session, for online_access. */
  sessionId: string | null;
  /** On refresh: the expiry the rotated refresh token keeps (its family's). */
  refreshExpiresAt?: Date;
  /** On refresh: the refresh token's own scope, which the rotated one keeps even when the access token narrows it. */
  refreshScope?: string;
}

/** The style document SMART apps may use to match the EHR's look (SMART App Launch 2.2 §Styling). */
export const SMART_STYLE_PATH = '/auth/smart-style.json';

/**
 * The token response of the grants that act for a person (SMART App Launch 2.2 §Obtain access token): the access
 * token, its launch context, an id_token when `openid` was granted, a refresh token when `offline_access` or
 * `online_access` was.
 */
@Injectable()
export class PersonTokensService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly store: TokenStoreService,
  ) {}

  async respond(
    client: ClientEntity,
    context: PersonGrantContext,
    grantType: string,
    audited?: AuditedRequest,
  ): Promise<TokenResponse> {
    const user = await this.users.findById(context.userId);
    if (!user || !user.enabled) {
      throw oauthError('invalid_grant', 'The person this grant acts for can no longer sign in', 400, {
        auditReason: 'user_disabled',
      });
    }
    const granted = new Set(context.scopes);
    const fhirUserUrl = `${this.config.publicUrl}/fhir/${user.fhirUser}`;
    const access = await this.accessTokens.issueForPerson(
      client,
      {
        userId: user.id,
        grantId: context.grantId,
        scopes: context.scopes,
        patient: context.patient,
        encounter: context.encounter,
        fhirUser: granted.has('fhirUser') ? fhirUserUrl : undefined,
        actingPatient: user.fhirUser.startsWith('Patient/') ? user.fhirUser.slice('Patient/'.length) : undefined,
      },
      grantType,
      audited,
    );
    const response: TokenResponse = {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.ttl,
      scope: access.scope,
    };
    if (context.patient) {
      response.patient = context.patient;
      // SMART App Launch 2.2 §Launch context: the app shows which patient it is about.
      response.need_patient_banner = true;
    }
    if (context.encounter) response.encounter = context.encounter;
    response.smart_style_url = `${this.config.publicUrl}${SMART_STYLE_PATH}`;
    if (granted.has('openid')) {
      response.id_token = await this.idTokens.sign({
        clientId: client.clientId,
        userId: user.id,
        authTime: Math.floor(context.authTime.getTime() / 1000),
        nonce: context.nonce,
        fhirUser: granted.has('fhirUser') ? fhirUserUrl : undefined,
        name: granted.has('profile') ? user.displayName : undefined,
        accessToken: access.token,
        ttlSeconds: access.ttl,
      });
    }
    // RFC 6749 §6: a new refresh token's scope is that of the one it replaces.
    const refreshScope = context.refreshScope ?? access.scope;
    const refreshExpiry = await this.refreshExpiry(new Set(refreshScope.split(' ')), context);
    if (refreshExpiry) {
      response.refresh_token = await this.refreshTokens.issue({
        grantId: context.grantId,
        clientId: client.clientId,
        userId: user.id,
        scope: refreshScope,
        patient: context.patient,
        encounter: context.encounter,
        sessionId: refreshScope.split(' ').includes('offline_access') ? null : context.sessionId,
        authTime: context.authTime,
        expiresAt: refreshExpiry,
      });
    }
    setTokenActor(response, actorOf(user));
    return response;
  }

  /**
   * SMART App Launch 2.2 §Scopes for requesting a refresh token: `offline_access` lives REFRESH_TOKEN_TTL_SECONDS,
   * `online_access` no longer than the person's sign-in session. Null: no refresh token.
   */
  private async refreshExpiry(granted: Set<string>, context: PersonGrantContext): Promise<Date | null> {
    if (granted.has('offline_access')) {
      return context.refreshExpiresAt ?? new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000);
    }
    if (granted.has('online_access') && context.sessionId) {
      const session = await this.store.find(context.sessionId);
      if (session && !session.revokedAt && session.expiresAt.getTime() > Date.now()) return session.expiresAt;
    }
    return null;
  }
}
