import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { assertJsonMediaType, assertJsonPatchMediaType } from '../fhir-resource-body';

/** The request body of a create or update, once its media type is known to be FHIR JSON (else 415). */
export const FhirResourceBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  assertJsonMediaType(request.headers['content-type']);
  return request.body;
});

/** The request body of a patch, once its media type is known to be application/json-patch+json (else 415). */
export const JsonPatchBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  assertJsonPatchMediaType(request.headers['content-type']);
  return request.body;
});
