import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { bearerToken } from '../../common/http/bearer';

/** The request's bearer token, if it carries one. */
export const BearerToken = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    bearerToken(ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization) ?? undefined,
);
