import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { DeveloperPrincipal } from '../developer-principal';

/** The signed-in integrator (on @DeveloperOnly routes). */
export const CurrentDeveloper = createParamDecorator((_: unknown, ctx: ExecutionContext): DeveloperPrincipal => {
  const developer = ctx.switchToHttp().getRequest<FastifyRequest>().developer;
  // Only reachable when a route forgot @DeveloperOnly: fail closed.
  if (!developer) throw new Error('CurrentDeveloper used on a route without @DeveloperOnly');
  return developer;
});
