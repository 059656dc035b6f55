/** FHIR R4 RESTful interactions (FHIR R4 http.html), as declared on every FHIR route. */
export const FHIR_INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'history-system',
  'create',
  'search-type',
  'search-system',
  'capabilities',
  'transaction',
  'batch',
] as const;
export type FhirInteraction = (typeof FHIR_INTERACTIONS)[number];

export const FHIR_JSON = 'application/fhir+json';
