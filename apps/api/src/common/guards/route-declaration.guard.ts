import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ACCESS_KEY, AccessKind } from '../decorators/access.decorator';
import { AUDIT_ACTION_KEY, AUDIT_RESOURCE_KEY, AuditedResource } from '../decorators/audit-action.decorator';
import { DomainError } from '../errors/domain-error';
import { MemoReflector } from '../reflection/memo-reflector';
import { stageAudit } from '../http/audit-stage';

/**
 * Deny by default: a route that declares no access policy (`@Public`, `@FhirInteraction`, `@AdminOnly`,
 * `@DeveloperOnly`, `@ClientAuthenticated`) is refused. As the first guard of every route, it also stages the route's
 * declared audit action and resource (`@AuditAction`, `@AuditResource`; `@FhirInteraction` declares both), so a
 * request a later guard refuses is recorded under them too.
 */
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
    const handler = context.getHandler();
    const action = this.reflector.get<string | undefined>(AUDIT_ACTION_KEY, handler);
    if (!action) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { type?: string; id?: string } }>>();
    const resource = this.reflector.get<AuditedResource | undefined>(AUDIT_RESOURCE_KEY, handler);
    const params = request.params;
    const type = resource && (resource.type ?? params?.type);
    // A route that names no type (and has no `:type`) keeps what the request's classification found.
    if (!type) stageAudit(request, resource ? { action, resource_id: params?.id ?? null } : { action });
    else stageAudit(request, { action, resource_type: type, resource_id: params?.id ?? null });
    return true;
  }
}
