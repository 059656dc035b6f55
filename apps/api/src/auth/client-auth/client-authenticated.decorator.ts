import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBasicAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DeclareAccess } from '../../common/decorators/access.decorator';
import type { ClientEntity } from '../../clients/client.entity';
import { AuthRateLimitGuard } from '../rate-limit/auth-rate-limit.guard';
import { ClientAuthGuard } from './client-auth.guard';

/** An OAuth endpoint that the calling client must authenticate to (RFC 6749 §2.3): rate limits first, then authentication. */
export function ClientAuthenticated() {
  return applyDecorators(
    DeclareAccess('client'),
    UseGuards(AuthRateLimitGuard, ClientAuthGuard),
    ApiBasicAuth('client'),
  );
}

/** The authenticated client. */
export const AuthenticatedClient = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientEntity => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: ClientEntity }>().user;
});
