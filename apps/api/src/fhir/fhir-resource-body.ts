import { fhirErrors } from './fhir-errors';
import { FHIR_ID, FhirResource } from './fhir-resource-types';

/** Media types a resource body may come in (R4 http.html#mime-type; `application/json+fhir` is the DSTU2 name). */
const JSON_MEDIA_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/** 415 unless the body is FHIR JSON. Fastify parses some other types (text/plain) itself, so this is checked here. */
export function assertJsonMediaType(contentType: string | undefined): void {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (!media || !JSON_MEDIA_TYPES.has(media)) throw fhirErrors.unsupportedMediaType(contentType);
}

/**
 * The structural checks of this slice: a JSON object whose resourceType is the type in the URL, with a valid id and
 * meta when present (R4 http.html#create, #update; json.html). Profile validation comes later.
 */
export function parseResourceBody(type: string, body: unknown): FhirResource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fhirErrors.invalidResource('The request body must be a FHIR resource (a JSON object)');
  }
  const resource = body as Record<string, unknown>;
  if (typeof resource.resourceType !== 'string')
    throw fhirErrors.invalidResource('The resource has no resourceType', 'resourceType');
  if (resource.resourceType !== type) {
    throw fhirErrors.invalidResource(
      `The resource is a ${resource.resourceType}, but the URL is for ${type}`,
      'resourceType',
    );
  }
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id))) {
    throw fhirErrors.invalidResource('id must be 1–64 characters of A–Z, a–z, 0–9, "-" and "."', `${type}.id`);
  }
  if (
    resource.meta !== undefined &&
    (typeof resource.meta !== 'object' || resource.meta === null || Array.isArray(resource.meta))
  ) {
    throw fhirErrors.invalidResource('meta must be an object', `${type}.meta`);
  }
  return resource as FhirResource;
}
