import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { oauthError } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import type { ClientEntity } from '../../clients/client.entity';
import { KeysService } from '../keys/keys.service';
import { ACCESS_TOKEN_TYP, AccessTokenService } from './access-token.service';
import { TokenStoreService } from './token-store.service';

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
}

/** Introspection (RFC 7662) and revocation (RFC 7009) of our JWT access tokens. */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly keys: KeysService,
    private readonly store: TokenStoreService,
    private readonly clients: ClientsService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  /**
   * A live token's claims for the client it was issued to; `{active: false}` for anything else: expired, revoked,
   * forged, foreign, a disabled client's, or another client's token (RFC 7662 §2.2 lets the server hide those).
   */
  async introspect(token: string | undefined, caller: ClientEntity): Promise<IntrospectionResponse> {
    if (!token) throw oauthError('invalid_request', 'token is required');
    const payload = await this.verified(token);
    if (!payload || payload.client_id !== caller.clientId) return { active: false };
    if (this.store.isRevoked(payload.jti!) || !(await this.clients.findActive(caller.clientId)))
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
    if (typeof payload.patient === 'string') response.patient = payload.patient;
    return response;
  }

  /**
   * RFC 7009 §2.1: revokes a token issued to the calling client. Invalid, expired or unknown tokens are not an error
   * (§2.2); a valid token of another client is refused.
   */
  async revoke(token: string | undefined, caller: ClientEntity): Promise<void> {
    if (!token) throw oauthError('invalid_request', 'token is required');
    const payload = await this.verified(token);
    if (!payload) return;
    if (payload.client_id !== caller.clientId) {
      throw oauthError('unauthorized_client', 'The token was not issued to this client', 400, {
        auditReason: 'foreign_token',
      });
    }
    await this.store.revoke(payload.jti!);
  }

  private async verified(token: string): Promise<JWTPayload | null> {
    try {
      return await this.keys.verify(token, { audience: this.accessTokens.audience, typ: ACCESS_TOKEN_TYP });
    } catch {
      return null;
    }
  }
}
