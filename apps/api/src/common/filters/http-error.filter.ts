import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainError } from '../errors/domain-error';
import { methodNotAllowed } from '../http/method-not-allowed';
import { surfaceOf } from '../http/request-context';
import { renderForSurface } from './error-renderers';
import { isDenial, normalizeError } from './normalize-error';
import { stageAuditDefaults } from '../http/audit-stage';

const logger = new Logger('HttpError');

/** Renders any error for the surface it happened on, and tells the audit record why the request failed. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error: domain, unexpected } = normalizeError(routerMiss(error, request) ?? error);
  if (unexpected) {
    const e = error as Error;
    logger.error(
      `${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed: ${e?.name}: ${e?.message}`,
      e?.stack,
    );
  }
  stageAuditDefaults(request, {
    reason: domain.options.auditReason ?? domain.code,
    client_id: domain.options.auditClientId ?? null,
    outcome: isDenial(domain) ? 'denied' : 'error',
  });
  const rendered = renderForSurface(surfaceOf(request.url), domain, request.url);
  reply.code(rendered.status).headers(rendered.headers).type(rendered.contentType);
  return reply.send(rendered.body);
}

/** The router's "no route" as 405 with `Allow` when the path exists for other methods (RFC 9110 §15.5.6). */
function routerMiss(error: unknown, request: FastifyRequest): DomainError | null {
  if (!(error instanceof NotFoundException) || !/^Cannot [A-Z]+ /.test(error.message)) return null;
  const path = request.url.split('?')[0];
  const allowed = request.server.allowedMethods?.(path) ?? [];
  return allowed.length > 0 && !allowed.includes(request.method) ? methodNotAllowed(request.method, allowed) : null;
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
