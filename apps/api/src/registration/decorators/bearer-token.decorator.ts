import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

export function bearerToken(request: FastifyRequest): string | undefined {
  return BEARER.exec(request.headers.authorization ?? '')?.[1];
}

/** The request's bearer token, if it carries one. */
export const BearerToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  bearerToken(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
