/** People who use SMART apps (DESIGN.md "People and apps acting for them"): patients and practitioners. */
export const END_USER_ROLES = ['patient', 'practitioner'] as const;
export type EndUserRole = (typeof END_USER_ROLES)[number];

/** An external identity (issuer + subject) linked to a local account (federated sign-in). */
export interface ExternalIdentity {
  /** The link's id (`DELETE /api/users/{id}/external-identities/{linkId}`). */
  id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email?: string | null;
  linked_at: string;
}

/** `GET /api/users/{id}`: an end user. The password (hash) is never part of it. */
export interface EndUser {
  id: string;
  username: string;
  display_name: string;
  email?: string | null;
  role: EndUserRole;
  /** `Patient/{id}` or `Practitioner/{id}`: the FHIR resource this person is (SMART `fhirUser`). */
  fhir_user: string;
  enabled: boolean;
  external_identities: ExternalIdentity[];
  created_at: string;
  updated_at: string;
}

/** The body of `POST /api/users`. */
export interface CreateEndUserRequest {
  username: string;
  display_name: string;
  email?: string | null;
  role: EndUserRole;
  fhir_user: string;
  password: string;
  enabled?: boolean;
}

/** The body of `PATCH /api/users/{id}`; `password` resets it (and ends the person's sessions). */
export type UpdateEndUserRequest = Partial<Omit<CreateEndUserRequest, 'username'>>;

/** The shortest password an end user may have (NIST SP 800-63B §3.1.1.2 asks for at least 8). */
export const END_USER_PASSWORD_MIN_LENGTH = 12;

/**
 * `GET /api/grants`: what a person allowed an app (a remembered consent) and the refresh-token grant that carries
 * it. Revoking it (`DELETE /api/grants/{id}`) revokes every token issued under it.
 */
export interface AuthorizationGrant {
  id: string;
  user_id: string;
  username: string;
  client_id: string;
  client_name?: string;
  /** Space-separated scopes the person allowed. */
  scope: string;
  patient?: string | null;
  /** `offline` (offline_access), `online` (online_access, ends with the sign-in session) or `consent` only. */
  kind: 'consent' | 'offline' | 'online';
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
}

/** `POST /api/launches`: an EHR launch of `client_id` with a patient (and encounter) in context. */
export interface LaunchRequest {
  client_id: string;
  patient: string;
  encounter?: string;
}

export interface LaunchResponse {
  /** The opaque, single-use launch id the app passes back to `/auth/authorize` as `launch`. */
  launch: string;
  /** The client's `launch_uri` with `iss` (the FHIR base) and `launch`. */
  launch_url: string;
  expires_in: number;
}

/**
 * `GET /api/directory/patients?search=` and `/api/directory/practitioners?search=`: people in the FHIR store, for the
 * dashboard's pickers (link a user, pick an EHR launch's patient). Administrators only.
 */
export interface DirectoryEntry {
  /** `Patient/{id}` or `Practitioner/{id}`. */
  reference: string;
  display: string;
  birth_date?: string | null;
  /** The NHS number, where the resource has one. */
  nhs_number?: string | null;
}
