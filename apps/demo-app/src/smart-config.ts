/**
 * How this app is registered with the server it ships with (the demo seeder creates the same client). Everything is
 * derived from the page's origin: the app is served by the FHIR server itself, at /demo-app/.
 */
export const CLIENT_ID = 'ccri-demo-app';

/** The resource types the app reads; each needs a `patient/{type}.rs` scope. */
export const RESOURCE_SCOPES = [
  'patient/Patient.rs',
  'patient/Condition.rs',
  'patient/MedicationRequest.rs',
  'patient/MedicationStatement.rs',
  // Medication is outside the patient compartment: without it the app cannot name what a request refers to.
  'patient/Medication.rs',
] as const;

/** SMART App Launch 2.2 §Scopes: a standalone launch asks for a patient to be picked (`launch/patient`). */
export const STANDALONE_SCOPE = ['openid', 'fhirUser', 'launch/patient', ...RESOURCE_SCOPES, 'offline_access'].join(
  ' ',
);

/** SMART App Launch 2.2 §EHR launch: `launch` binds the request to the EHR's launch context. */
export const EHR_SCOPE = ['openid', 'fhirUser', 'launch', ...RESOURCE_SCOPES, 'offline_access'].join(' ');

/** The FHIR base of the server that serves this app. */
export function fhirBase(origin: string): string {
  return `${origin}/fhir`;
}

/** The one registered redirect URI: the standalone page, which also completes EHR launches. */
export function redirectUri(origin: string): string {
  return `${origin}/demo-app/`;
}
