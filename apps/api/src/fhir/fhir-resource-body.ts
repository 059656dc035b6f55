import { fhirErrors, FhirOutcomeError } from './fhir-errors';
import { FHIR_ID, FhirResource } from './fhir-resource-types';
import { issuesOf } from './validation/validation-pool';

/** Media types a resource body may come in (R4 http.html#mime-type; `application/json+fhir` is the DSTU2 name). */
const JSON_MEDIA_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/** 415 unless the body is FHIR JSON. Fastify parses some other types (text/plain) itself, so this is checked here. */
export function assertJsonMediaType(contentType: string | undefined): void {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (!media || !JSON_MEDIA_TYPES.has(media)) throw fhirErrors.unsupportedMediaType(contentType);
}

/** R4 http.html#patch: JSON Patch comes as application/json-patch+json (RFC 6902 §6). */
export function assertJsonPatchMediaType(contentType: string | undefined): void {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (media !== 'application/json-patch+json')
    throw fhirErrors.unsupportedMediaType(contentType, 'application/json-patch+json');
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
    throw fhirErrors.invalidResource(
      'id must be 1–64 characters of A–Z, a–z, 0–9, "-" and ".", and not "." or ".."',
      `${type}.id`,
    );
  }
  if (
    resource.meta !== undefined &&
    (typeof resource.meta !== 'object' || resource.meta === null || Array.isArray(resource.meta))
  ) {
    throw fhirErrors.invalidResource('meta must be an object', `${type}.meta`);
  }
  return resource as FhirResource;
}

/**
 * Validates a resource against the R4 StructureDefinitions and the NHS number check (see validation/): 422 with one
 * OperationOutcome issue per problem, each with its expression (R4 http.html#2.21.0.12), when any is an error. The
 * issues are those ValidationPool.validateAhead found on a worker for this object, if it did.
 */
export function assertValidResource(type: string, resource: FhirResource): void {
  const issues = issuesOf(resource, type);
  if (!issues.some((i) => i.severity === 'error')) return;
  throw new FhirOutcomeError(
    422,
    'fhir_invalid_resource_content',
    `The ${type} is not valid: ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
    issues.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.diagnostics, expression: i.expression })),
  );
}

/** The checks every written resource passes: the shape parseResourceBody checks, then validation. */
export function checkResourceBody(type: string, body: unknown): FhirResource {
  const resource = parseResourceBody(type, body);
  assertValidResource(type, resource);
  return resource;
}
