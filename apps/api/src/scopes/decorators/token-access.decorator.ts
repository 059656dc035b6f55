import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerError } from '../../common/errors/domain-error';
import type { TokenAccess } from '../token-access';

/** The verified token's scopes as FhirScopeGuard left them on the request: what the FHIR services enforce. */
export const Access = createParamDecorator((_: unknown, ctx: ExecutionContext): TokenAccess => {
  const access = ctx.switchToHttp().getRequest<FastifyRequest>().tokenAccess;
  // FhirInteraction always runs the guard first; a route without it has no token to act for.
  if (!access) throw bearerError(401, 'invalid_token', 'No verified access token');
  return access;
});
