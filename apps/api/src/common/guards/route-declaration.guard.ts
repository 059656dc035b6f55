import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ACCESS_KEY, AccessKind } from '../decorators/access.decorator';
import { AUDIT_ACTION_KEY } from '../decorators/audit-action.decorator';
import { DomainError } from '../errors/domain-error';
import { MemoReflector } from '../reflection/memo-reflector';
import { stageAudit } from '../http/audit-stage';

/** Deny by default: a route that declares no access policy (`@Public`, `@FhirInteraction`, `@AdminOnly`, `@DeveloperOnly`, `@ClientAuthenticated`) is refused. */
@Injectable()
export class RouteDeclarationGuard implements CanActivate {
  private readonly reflector = new MemoReflector();

  canActivate(context: ExecutionContext): boolean {
    const kind = this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!kind) {
      throw new DomainError(403, 'route_not_declared', 'This route declares no access policy and is refused', {
        fhirIssue: 'forbidden',
        oauthError: 'access_denied',
      });
    }
    const action = this.reflector.get(AUDIT_ACTION_KEY, context.getHandler()) as string | undefined;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (action) stageAudit(request, { action });
    return true;
  }
}
