/**
 * How this app is registered with the server it ships with (the demo seeder creates the same client). Everything is
 * derived from the page's URL: the app is served by the FHIR server itself, at PUBLIC_URL/demo-app/.
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

/**
 * Where this app lives, from the page's own URL: the folder of its pages (`…/demo-app/`). The server may sit under a
 * path (PUBLIC_URL `https://host/ccri`), so nothing assumes the app is at the origin's root.
 */
export function appBase(pageUrl: string): string {
  return new URL('./', pageUrl).href;
}

/** The server that serves the app: its PUBLIC_URL, which is also the OAuth issuer (one level above the app). */
export function serverBase(pageUrl: string): string {
  return new URL('../', appBase(pageUrl)).href.replace(/\/+$/, '');
}

/** The FHIR base of that server: the `iss` of a standalone launch and the only one an EHR launch may name. */
export function fhirBase(pageUrl: string): string {
  return `${serverBase(pageUrl)}/fhir`;
}

/** The one registered redirect URI: the standalone page, which also completes EHR launches. */
export function redirectUri(pageUrl: string): string {
  return appBase(pageUrl);
}
