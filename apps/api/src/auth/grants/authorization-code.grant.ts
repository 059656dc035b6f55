import { Injectable } from '@nestjs/common';
import { splitScopes } from '@ccri/smart-scopes';
import { oauthError } from '../../common/errors/domain-error';
import type { ClientEntity } from '../../clients/client.entity';
import type { AuditedRequest } from '../../common/http/audit-stage';
import { AuthorizationCodesService } from '../authorize/authorization-codes.service';
import type { TokenResponse } from '../tokens/access-token.service';
import { AuthorizationGrantsService } from './authorization-grants.service';
import type { TokenRequestParams } from './client-credentials.grant';
import { PersonTokensService } from './person-tokens.service';

/**
 * RFC 6749 §4.1.3 authorization code grant with RFC 7636 PKCE (S256): the code is redeemed once, by the client it was
 * issued to, with the same redirect_uri and the verifier of its challenge. Any failure is `invalid_grant`; a code
 * presented twice also revokes what was issued under its grant (RFC 6749 §4.1.2, RFC 9700 §4.13).
 */
@Injectable()
export class AuthorizationCodeGrant {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly grants: AuthorizationGrantsService,
    private readonly personTokens: PersonTokensService,
  ) {}

  async handle(client: ClientEntity, params: TokenRequestParams, audited?: AuditedRequest): Promise<TokenResponse> {
    if (!client.grantTypes.split(' ').includes(this.grantType)) {
      throw oauthError('unauthorized_client', 'This client may not use the authorization_code grant');
    }
    if (!params.code) throw oauthError('invalid_request', 'code is required');
    const redemption = await this.codes.redeem(params.code, client.clientId, params.redirect_uri, params.code_verifier);
    if (!redemption.ok) {
      if (redemption.grantId) await this.grants.revokeTokens(redemption.grantId);
      throw oauthError('invalid_grant', 'The authorization code is invalid, expired, used or not yours', 400, {
        auditReason: redemption.reason,
      });
    }
    const code = redemption.code;
    const grant = await this.grants.find(code.grantId);
    if (!grant || grant.revokedAt) {
      throw oauthError('invalid_grant', 'The authorization behind this code has been revoked', 400, {
        auditReason: 'grant_revoked',
      });
    }
    await this.grants.touch(grant.id);
    return this.personTokens.respond(
      client,
      {
        userId: code.userId,
        grantId: code.grantId,
        scopes: splitScopes(code.scope),
        patient: code.patient,
        encounter: code.encounter,
        nonce: code.nonce,
        authTime: code.authTime,
        sessionId: code.sessionId,
      },
      this.grantType,
      audited,
    );
  }
}
