import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Client } from '@ccri/contracts';
import { DeclareAccess } from '../../common/decorators/access.decorator';
import { RegistrationAccessGuard, type RegistrationRequest } from '../guards/registration-access.guard';

/** An RFC 7592 client configuration route: the client authenticates with its registration access token. */
export function RegistrationAccess() {
  return applyDecorators(DeclareAccess('client'), UseGuards(RegistrationAccessGuard));
}

/** The client whose registration access token authenticated the request. */
export const RegisteredClient = createParamDecorator((_: unknown, ctx: ExecutionContext): Client => {
  return ctx.switchToHttp().getRequest<FastifyRequest & RegistrationRequest>().registeredClient!;
});
