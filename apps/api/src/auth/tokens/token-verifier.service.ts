import { Injectable } from '@nestjs/common';
import { parseScopes } from '@ccri/smart-scopes';
import { bearerError } from '../../common/errors/domain-error';
import type { TokenPrincipal } from '../../common/http/request-context';
import { ClientsService } from '../../clients/clients.service';
import { JwtRejected, KeysService } from '../keys/keys.service';
import { ACCESS_TOKEN_TYP, AccessTokenService } from './access-token.service';
import { TokenStoreService } from './token-store.service';

const CACHE_LIMIT = 20_000;

/**
 * Verifies FHIR access tokens: signature by one of our keys, `alg` RS256 only, `typ` at+jwt, `iss`, `aud`, `exp`,
 * `nbf` (KeysService.verify), then on every use revocation of its `jti` and the state of its client.
 * A verified signature is remembered until the token expires, so a client's repeated calls cost a map look-up.
 */
@Injectable()
export class TokenVerifierService {
  private readonly verified = new Map<string, TokenPrincipal>();

  constructor(
    private readonly keys: KeysService,
    private readonly store: TokenStoreService,
    private readonly clients: ClientsService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async verify(token: string): Promise<TokenPrincipal> {
    let principal = this.verified.get(token);
    const nowSeconds = Date.now() / 1000;
    if (principal && principal.exp <= nowSeconds) {
      this.verified.delete(token);
      principal = undefined;
    }
    if (!principal) {
      principal = await this.verifySignature(token);
      if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, principal);
    }
    if (this.store.isRevoked(principal.jti))
      throw bearerError(401, 'invalid_token', 'The token has been revoked', 'revoked', principal.clientId);
    const client = await this.clients.findActive(principal.clientId);
    if (!client)
      throw bearerError(
        401,
        'invalid_token',
        "The token's client is disabled or no longer registered",
        'client_disabled',
        principal.clientId,
      );
    return principal;
  }

  private async verifySignature(token: string): Promise<TokenPrincipal> {
    try {
      const payload = await this.keys.verify(token, { audience: this.accessTokens.audience, typ: ACCESS_TOKEN_TYP });
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : payload.sub!;
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      return {
        clientId,
        sub: payload.sub!,
        jti: payload.jti!,
        scope,
        scopes: parseScopes(scope).scopes,
        patient: typeof payload.patient === 'string' ? payload.patient : undefined,
        actingPatient: typeof payload.acting_patient === 'string' ? payload.acting_patient : undefined,
        fhirUser: typeof payload.fhirUser === 'string' ? payload.fhirUser : undefined,
        encounter: typeof payload.encounter === 'string' ? payload.encounter : undefined,
        iat: payload.iat,
        exp: payload.exp!,
      };
    } catch (e) {
      if (e instanceof JwtRejected) throw bearerError(401, 'invalid_token', e.message, e.reason);
      throw e;
    }
  }
}
