import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerError } from '../../common/errors/domain-error';
import { bearerToken } from '../../common/http/bearer';
import { TokenVerifierService } from '../tokens/token-verifier.service';
import { stageAudit } from '../../common/http/audit-stage';

/** RFC 6750 §2.1: the access token comes in `Authorization: Bearer`, nowhere else. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifierService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header)
      throw bearerError(401, 'invalid_request', 'An access token is required (Authorization: Bearer)', 'no_token');
    const token = bearerToken(header);
    if (token === null)
      throw bearerError(401, 'invalid_token', 'The Authorization header is not a Bearer token', 'malformed_token');
    const principal = await this.verifier.verify(token);
    request.principal = principal;
    stageAudit(request, { client_id: principal.clientId, scope: principal.scope });
    return true;
  }
}
