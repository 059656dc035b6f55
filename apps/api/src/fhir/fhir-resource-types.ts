/**
 * The resource types this server serves. Everything else is answered with 404 `not-supported`. Storage, indexes,
 * search parameters and the CapabilityStatement all derive from this list, so serving a new type is a change here.
 */
export const SERVED_RESOURCE_TYPES = [
  'Patient',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'HealthcareService',
] as const;

export type ServedResourceType = (typeof SERVED_RESOURCE_TYPES)[number];

const SERVED = new Set<string>(SERVED_RESOURCE_TYPES);

export function isServedType(type: string): type is ServedResourceType {
  return SERVED.has(type);
}

/** FHIR R4 datatypes.html#id: `[A-Za-z0-9\-\.]{1,64}`. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A FHIR resource as JSON: only what every resource has is typed (FHIR R4 resource.html). */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; [key: string]: unknown };
  [key: string]: unknown;
}
