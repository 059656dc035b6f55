import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { bearerToken } from '../../common/http/bearer';
import { auditActor } from '../developer-principal';
import { DevelopersService } from '../developers.service';
import { stageAudit } from '../../common/http/audit-stage';

/** A signed-in integrator's portal session token in `Authorization: Bearer`. */
@Injectable()
export class DeveloperSessionGuard implements CanActivate {
  constructor(private readonly developers: DevelopersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) {
      throw new DomainError(
        401,
        'not_signed_in',
        'Sign in to the developer portal first (Authorization: Bearer <session token>)',
        {
          wwwAuthenticate: 'Bearer realm="ccri-portal"',
          auditReason: 'no_session',
        },
      );
    }
    const principal = await this.developers.verifySession(token);
    request.developer = principal;
    stageAudit(request, { actor: auditActor(principal.email) });
    return true;
  }
}
