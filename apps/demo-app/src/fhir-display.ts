import type { CodeableConcept, Medication, MedicationUse, Patient } from './fhir-types';

/** Pure helpers that turn FHIR resources and OAuth answers into the words the app shows. */

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** "Amelia Rose Jones": the official name (else the first), given names then family name. */
export function patientName(patient: Patient): string {
  const names = patient.name ?? [];
  const name = names.find((n) => n.use === 'official') ?? names[0];
  if (!name) return 'Unnamed patient';
  if (name.text) return name.text;
  const parts = [...(name.given ?? []), name.family].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : 'Unnamed patient';
}

/** The NHS number in its usual 3-3-4 grouping ("999 000 0018"), or null when the patient has none. */
export function nhsNumber(patient: Patient): string | null {
  const value = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
  if (!value) return null;
  const digits = value.replace(/\s+/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}

export function genderLabel(gender: string | undefined): string {
  if (!gender) return 'Not recorded';
  return gender.charAt(0).toUpperCase() + gender.slice(1);
}

/** The words of a CodeableConcept: its text, else the first coding's display, else its code. */
export function conceptText(concept: CodeableConcept | undefined): string | null {
  if (!concept) return null;
  if (concept.text) return concept.text;
  const coding = concept.coding?.find((c) => c.display) ?? concept.coding?.[0];
  return coding?.display ?? coding?.code ?? null;
}

/** The reference a MedicationRequest or MedicationStatement makes to a Medication, if it names it by reference. */
export function medicationReference(use: MedicationUse): string | null {
  return use.medicationReference?.reference ?? null;
}

/** The medication's name: inline code, else the referenced Medication (when it could be read), else the display. */
export function medicationName(use: MedicationUse, medications: ReadonlyMap<string, Medication>): string {
  const inline = conceptText(use.medicationCodeableConcept);
  if (inline) return inline;
  const ref = medicationReference(use);
  const medication = ref ? medications.get(ref) : undefined;
  return conceptText(medication?.code) ?? use.medicationReference?.display ?? 'Unnamed medication';
}

/** The dosage words of a request or statement. */
export function dosageText(use: MedicationUse): string | null {
  const dosages = use.resourceType === 'MedicationRequest' ? use.dosageInstruction : use.dosage;
  return dosages?.find((d) => d.text)?.text ?? null;
}

/**
 * Whether a granted scope string lets the app read (`r`) or search (`s`) `type` in the patient's record (SMART App
 * Launch 2.2 §Scopes: v1 `.read` and `.*` mean both; a v2 `?param=value` restriction still allows the interaction).
 */
export function grants(scope: string, type: string, permission: 'r' | 's'): boolean {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .some((s) => {
      const match = /^(patient|user)\/([A-Za-z]+|\*)\.([a-z*]+)(\?.*)?$/.exec(s);
      if (!match || (match[2] !== type && match[2] !== '*')) return false;
      const granted = match[3];
      return granted === 'read' || granted === '*' || (/^c?r?u?d?s?$/.test(granted) && granted.includes(permission));
    });
}

/** RFC 6749 §4.1.2.1 error codes, in words a person understands. */
const AUTHORIZATION_ERRORS: Record<string, string> = {
  access_denied: 'You denied access, so the app cannot show your record.',
  invalid_scope: 'The app asked for access the server does not allow it.',
  unauthorized_client: 'This app is not allowed to sign you in this way.',
  invalid_request: 'The sign-in request was not valid.',
  unsupported_response_type: 'The server does not support this kind of sign-in.',
  server_error: 'The server ran into a problem while signing you in.',
  temporarily_unavailable: 'The sign-in service is busy; try again in a moment.',
  login_required: 'You need to sign in again.',
  consent_required: 'You need to allow the app access again.',
};

/** The message for an authorization error returned to the redirect URI, with the server's description if any. */
export function authorizationErrorMessage(error: string, description: string | null): string {
  const known = AUTHORIZATION_ERRORS[error];
  const base = known ?? `Sign-in failed (${error}).`;
  return description && description !== base ? `${base} ${description}` : base;
}

/** When the access token expires, as a readable local time, from fhirclient's `expiresAt` (seconds since epoch). */
export function expiryText(expiresAt: number | undefined, now = Date.now()): string {
  if (!expiresAt) return 'The server did not say when the new access token expires.';
  const seconds = Math.max(0, Math.round(expiresAt - now / 1000));
  const at = new Date(expiresAt * 1000).toLocaleTimeString();
  return `The new access token expires at ${at} (in ${seconds} seconds).`;
}
