import { Injectable } from '@nestjs/common';
import { negotiateScopes } from '@ccri/smart-scopes';
import { oauthError } from '../../common/errors/domain-error';
import { ClientEntity } from '../../clients/client.entity';
import type { AuditedRequest } from '../../common/http/audit-stage';
import { AccessTokenService, TokenResponse } from '../tokens/access-token.service';

export type TokenRequestParams = Record<string, string | undefined>;

/**
 * RFC 6749 §4.4 client credentials grant: the authenticated client gets a token for itself, with the requested
 * scope narrowed to what it is allowed (§3.3); no `scope` parameter means everything it is allowed.
 */
@Injectable()
export class ClientCredentialsGrant {
  readonly grantType = 'client_credentials';

  constructor(private readonly tokens: AccessTokenService) {}

  async handle(client: ClientEntity, params: TokenRequestParams, audited?: AuditedRequest): Promise<TokenResponse> {
    if (!client.grantTypes.split(' ').includes(this.grantType)) {
      throw oauthError('unauthorized_client', 'This client may not use the client_credentials grant');
    }
    const negotiation = negotiateScopes(params.scope, client.scope);
    if (!negotiation.ok) throw oauthError('invalid_scope', negotiation.description);
    return this.tokens.issue(client, negotiation.granted, this.grantType, audited);
  }
}
