import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { oauthError } from '../../common/errors/domain-error';

/**
 * The request body as sent, without the global DTO validation: RFC 7591 §2 has the server ignore metadata it does
 * not understand, so the registration validator, not a whitelist, decides. RFC 7591 §3.1 and RFC 7592 §2.2 send it
 * as application/json.
 */
export const JsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
    throw oauthError('invalid_request', 'Send the client metadata as a JSON object (Content-Type: application/json)');
  }
  return request.body;
});
