import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { TokenPrincipal } from '../../common/http/request-context';
import type { FhirAccess } from '../fhir-access';

/** The scope guard's decision for this request (see FhirAccess). */
export const Access = createParamDecorator((_: unknown, ctx: ExecutionContext): FhirAccess | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().fhirAccess;
});

/** The verified token of this request. */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): TokenPrincipal | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().principal;
});
