import { Injectable } from '@nestjs/common';
import { oauthError } from '../common/errors/domain-error';
import { ClientEntity } from '../clients/client.entity';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant, TokenRequestParams } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenResponse } from './tokens/access-token.service';
import type { AuditedRequest } from '../common/http/audit-stage';

/** RFC 6749 §3.2 token endpoint: one handler per `grant_type`. */
@Injectable()
export class TokenEndpointService {
  constructor(
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly authorizationCode: AuthorizationCodeGrant,
    private readonly refreshToken: RefreshTokenGrant,
  ) {}

  /** With the `audited` request, the issued token's record is staged with its audit record (see AccessTokenService). */
  async handle(client: ClientEntity, body: Record<string, unknown>, audited?: AuditedRequest): Promise<TokenResponse> {
    const params = formParams(body);
    const grantType = params.grant_type;
    if (!grantType) throw oauthError('invalid_request', 'grant_type is required');
    switch (grantType) {
      case this.clientCredentials.grantType:
        return this.clientCredentials.handle(client, params, audited);
      case this.authorizationCode.grantType:
        return this.authorizationCode.handle(client, params, audited);
      case this.refreshToken.grantType:
        return this.refreshToken.handle(client, params, audited);
      default:
        throw oauthError('unsupported_grant_type', `grant_type ${grantType.slice(0, 60)} is not supported`);
    }
  }
}

/** RFC 6749 §3.2: parameters sent without a value are treated as if they were omitted. */
function formParams(body: Record<string, unknown>): TokenRequestParams {
  const params: TokenRequestParams = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && v !== '') params[k] = v;
  }
  return params;
}
