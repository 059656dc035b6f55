import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';

/**
 * Names the end user a management request acts on in its audit record: the `:id` of the path, or (for a creation)
 * the id of the account the answer returns.
 */
@Injectable()
export class EndUserAuditInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const audit = request.audit;
    if (!audit) return next.handle();
    const id = (request.params as Record<string, string | undefined> | undefined)?.id;
    audit.resource_type = 'EndUser';
    if (id) audit.resource_id = id;
    return next.handle().pipe(
      tap((body: unknown) => {
        const created = (body as { id?: unknown } | undefined)?.id;
        if (!id && typeof created === 'string') audit.resource_id = created;
      }),
    );
  }
}
