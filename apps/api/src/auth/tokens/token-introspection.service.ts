import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { oauthError } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import type { ClientEntity } from '../../clients/client.entity';
import { KeysService } from '../keys/keys.service';
import { ACCESS_TOKEN_TYP, AccessTokenService } from './access-token.service';
import { TokenStoreService } from './token-store.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { AuthorizationGrantsService } from '../grants/authorization-grants.service';

/** RFC 7662 §2.2 introspection response. */
export interface IntrospectionResponse {
  active: boolean;
  client_id?: string;
  scope?: string;
  token_type?: 'Bearer';
  exp?: number;
  iat?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
  patient?: string;
  encounter?: string;
  fhirUser?: string;
}

/**
 * The permission a resource server's client needs to introspect any token (SMART App Launch 2.2 §Token
 * Introspection): the named scope `introspect` in the client's allowed scope. Without it a client introspects only
 * its own tokens.
 */
export const INTROSPECT_SCOPE = 'introspect';

/** Introspection (RFC 7662) and revocation (RFC 7009) of our JWT access tokens. */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly keys: KeysService,
    private readonly store: TokenStoreService,
    private readonly clients: ClientsService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: AuthorizationGrantsService,
  ) {}

  /**
   * A live token's claims for the client it was issued to, or for any live token when the caller holds the
   * `introspect` permission; `{active: false}` for anything else: expired, revoked, forged, foreign, a disabled
   * client's, or another client's token (RFC 7662 §2.2 lets the server hide those).
   */
  async introspect(token: string | undefined, caller: ClientEntity): Promise<IntrospectionResponse> {
    if (!token) throw oauthError('invalid_request', 'token is required');
    const payload = await this.verified(token);
    if (!payload || typeof payload.client_id !== 'string') return { active: false };
    const resourceServer = caller.scope.split(' ').includes(INTROSPECT_SCOPE);
    if (payload.client_id !== caller.clientId && !resourceServer) return { active: false };
    if (this.store.isRevoked(payload.jti!) || !(await this.clients.findActive(payload.client_id)))
      return { active: false };
    const response: IntrospectionResponse = {
      active: true,
      client_id: payload.client_id as string,
      scope: payload.scope as string,
      token_type: 'Bearer',
      exp: payload.exp,
      iat: payload.iat,
      sub: payload.sub,
      aud: payload.aud,
      iss: payload.iss,
      jti: payload.jti,
    };
    // SMART App Launch 2.2 §Token Introspection: the launch context and fhirUser travel with the answer.
    if (typeof payload.patient === 'string') response.patient = payload.patient;
    if (typeof payload.encounter === 'string') response.encounter = payload.encounter;
    if (typeof payload.fhirUser === 'string') response.fhirUser = payload.fhirUser;
    return response;
  }

  /**
   * RFC 7009 §2.1: revokes a token issued to the calling client. Invalid, expired or unknown tokens are not an error
   * (§2.2); a valid token of another client is refused.
   */
  async revoke(token: string | undefined, caller: ClientEntity): Promise<void> {
    if (!token) throw oauthError('invalid_request', 'token is required');
    // Refresh tokens are opaque (no dots), access tokens JWTs: the token itself says which it is.
    if (!token.includes('.')) return this.revokeRefreshToken(token, caller);
    const payload = await this.verified(token);
    if (!payload) return;
    if (payload.client_id !== caller.clientId) {
      throw oauthError('unauthorized_client', 'The token was not issued to this client', 400, {
        auditReason: 'foreign_token',
      });
    }
    await this.store.revoke(payload.jti!);
  }

  /** RFC 7009 §2.1: revoking a refresh token also revokes the access tokens of the same grant. */
  private async revokeRefreshToken(token: string, caller: ClientEntity): Promise<void> {
    const found = await this.refreshTokens.find(token);
    if (!found) return;
    if (found.clientId !== caller.clientId) {
      throw oauthError('unauthorized_client', 'The token was not issued to this client', 400, {
        auditReason: 'foreign_token',
      });
    }
    await this.grants.revokeTokens(found.grantId);
  }

  private async verified(token: string): Promise<JWTPayload | null> {
    try {
      return await this.keys.verify(token, { audience: this.accessTokens.audience, typ: ACCESS_TOKEN_TYP });
    } catch {
      return null;
    }
  }
}
