import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { surfaceOf } from '../http/request-context';
import { renderForSurface } from './error-renderers';
import { isDenial, normalizeError } from './normalize-error';

const logger = new Logger('HttpError');

/** Renders any error for the surface it happened on, and tells the audit record why the request failed. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error: domain, unexpected } = normalizeError(error);
  if (unexpected) {
    const e = error as Error;
    logger.error(
      `${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed: ${e?.name}: ${e?.message}`,
      e?.stack,
    );
  }
  if (request.audit) {
    request.audit.reason ??= domain.options.auditReason ?? domain.code;
    request.audit.client_id ??= domain.options.auditClientId ?? null;
    request.audit.outcome ??= isDenial(domain) ? 'denied' : 'error';
  }
  const rendered = renderForSurface(surfaceOf(request.url), domain, request.url);
  reply.code(rendered.status).headers(rendered.headers).type(rendered.contentType);
  return reply.send(rendered.body);
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
