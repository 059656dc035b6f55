import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bearerError } from '../common/errors/domain-error';
import { bearerToken } from '../common/http/bearer';
import { UsersService } from '../users/users.service';
import { TokenVerifierService } from './tokens/token-verifier.service';

/** OpenID Connect Core §5.3.2 userinfo response, with SMART's `fhirUser`. */
export interface UserinfoResponse {
  sub: string;
  fhirUser?: string;
  name?: string;
  email?: string;
}

/** OpenID Connect Core §5.3: the claims about the person an `openid` access token acts for. */
@Injectable()
export class UserinfoService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: TokenVerifierService,
    private readonly users: UsersService,
  ) {}

  async userinfo(authorization: string | undefined): Promise<UserinfoResponse> {
    // RFC 6750 §2.1: the access token comes in `Authorization: Bearer`.
    if (!authorization)
      throw bearerError(401, 'invalid_request', 'An access token is required (Authorization: Bearer)', 'no_token');
    const token = bearerToken(authorization);
    if (token === null)
      throw bearerError(401, 'invalid_token', 'The Authorization header is not a Bearer token', 'malformed_token');
    const principal = await this.verifier.verify(token);
    const granted = new Set(principal.scope.split(' '));
    // OpenID Connect Core §5.3.3: a token without `openid` is refused with insufficient_scope.
    if (!granted.has('openid')) {
      throw bearerError(403, 'insufficient_scope', 'The token was not granted openid', 'no_openid', principal.clientId);
    }
    const user = await this.users.findById(principal.sub);
    if (!user || !user.enabled) {
      throw bearerError(401, 'invalid_token', 'The person this token acts for is unknown or disabled', 'user_disabled');
    }
    const response: UserinfoResponse = { sub: user.id };
    if (granted.has('fhirUser')) response.fhirUser = `${this.config.publicUrl}/fhir/${user.fhirUser}`;
    if (granted.has('profile')) response.name = user.displayName;
    if (granted.has('email') && user.email) response.email = user.email;
    return response;
  }
}
