import type { FastifyReply } from 'fastify';
import { FHIR_JSON } from '@ccri/contracts';
import { etag, FhirResult, httpDate } from './fhir-result';

export const FHIR_CONTENT_TYPE = `${FHIR_JSON}; charset=utf-8`;

/**
 * Sends an interaction's result: status, `Content-Type: application/fhir+json`, and for versions the `ETag`
 * (W/"versionId") and `Last-Modified` headers (R4 http.html#versioning), plus `Location` after a write (#create).
 */
export function sendFhir(reply: FastifyReply, result: FhirResult): FastifyReply {
  reply.code(result.status).header('content-type', FHIR_CONTENT_TYPE);
  if (result.versionId !== undefined) reply.header('etag', etag(result.versionId));
  if (result.lastUpdated) reply.header('last-modified', httpDate(result.lastUpdated));
  if (result.location) reply.header('location', result.location);
  return reply.send(result.body);
}
