/** Route metadata that FhirInteraction writes and FhirScopeGuard reads (kept apart so neither imports the other). */
export const FHIR_INTERACTION_KEY = 'ccri:fhir-interaction';
export const FHIR_RESOURCE_TYPE_KEY = 'ccri:fhir-resource-type';
