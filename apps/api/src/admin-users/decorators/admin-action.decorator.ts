import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal } from '../../common/http/request-context';

/** The signed-in administrator. */
export const CurrentAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): (AdminPrincipal & { jti: string }) | undefined => {
    const request = ctx.switchToHttp().getRequest<FastifyRequest & { adminJti?: string }>();
    return request.admin ? { ...request.admin, jti: request.adminJti ?? '' } : undefined;
  },
);
