import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { stageAudit } from '../common/http/audit-stage';

/**
 * Names the end user a management request acts on in its audit record: the `:id` of the path, or (for a creation)
 * the id of the account the answer returns.
 */
@Injectable()
export class EndUserAuditInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const id = (request.params as Record<string, string | undefined> | undefined)?.id;
    if (id) {
      stageAudit(request, { resource_type: 'EndUser', resource_id: id });
      return next.handle();
    }
    stageAudit(request, { resource_type: 'EndUser' });
    return next.handle().pipe(
      tap((body: unknown) => {
        const created = (body as { id?: unknown } | undefined)?.id;
        if (typeof created === 'string') stageAudit(request, { resource_id: created });
      }),
    );
  }
}
