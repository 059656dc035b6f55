import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { bearerToken } from '../../common/http/bearer';
import { AdminUsersService } from '../admin-users.service';
import { stageAudit } from '../../common/http/audit-stage';

/** A signed-in administrator's session token in `Authorization: Bearer`. */
@Injectable()
export class AdminSessionGuard implements CanActivate {
  constructor(private readonly admins: AdminUsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) {
      throw new DomainError(401, 'not_signed_in', 'Sign in first (Authorization: Bearer <session token>)', {
        wwwAuthenticate: 'Bearer realm="ccri-admin"',
        auditReason: 'no_session',
      });
    }
    const principal = await this.admins.verifySession(token);
    request.admin = principal;
    (request as FastifyRequest & { adminJti?: string }).adminJti = principal.jti;
    stageAudit(request, { actor: principal.username });
    return true;
  }
}
