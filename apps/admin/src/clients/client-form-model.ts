import {
  GRANT_TYPES,
  type Client,
  type CreateClientRequest,
  type GrantType,
  type JwkSet,
  type TokenEndpointAuthMethod,
  type UpdateClientRequest,
} from '@ccri/contracts';
import { splitScopes } from '@ccri/smart-scopes';
import type { FormErrors } from '../app/use-server-validated-form';
import {
  optionalNumber,
  parseJwks,
  splitRedirectUris,
  validateJwksUri,
  validateLaunchUri,
  validateOptionalWholeNumber,
  validatePatientId,
  validateRedirectUris,
  validateScope,
} from './client-validation';

/** Where a private_key_jwt client's public keys come from: pasted as a JWK Set, or fetched from a URL. */
export type KeySource = 'jwks' | 'jwks_uri';

/** The name and description every client form asks for. */
export interface ClientIdentityValues {
  client_name: string;
  description: string;
}

/** How a client authenticates at the token endpoint, and its public keys when it signs assertions. */
export interface ClientCredentialValues {
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  key_source: KeySource;
  jwks: string;
  jwks_uri: string;
}

export function validateClientIdentity(
  values: ClientIdentityValues,
  nameMissing: string,
): FormErrors<keyof ClientIdentityValues> {
  const errors: FormErrors<keyof ClientIdentityValues> = {};
  const name = values.client_name.trim();
  if (!name) errors.client_name = nameMissing;
  else if (name.length > 200) errors.client_name = 'Use at most 200 characters';
  if (values.description.trim().length > 1000) errors.description = 'Use at most 1000 characters';
  return errors;
}

/** The keys of a private_key_jwt client: the pasted JWK Set or its URL, whichever is chosen. */
export function validateClientKeys(values: ClientCredentialValues): FormErrors<'jwks' | 'jwks_uri'> {
  if (values.token_endpoint_auth_method !== 'private_key_jwt') return {};
  if (values.key_source === 'jwks') {
    const parsed = parseJwks(values.jwks);
    return 'error' in parsed ? { jwks: parsed.error } : {};
  }
  const uri = validateJwksUri(values.jwks_uri);
  return uri ? { jwks_uri: uri } : {};
}

/** The keys to send: the parsed JWK Set or the URL for a private_key_jwt client, null for the one not chosen. */
export function clientKeysOf(values: ClientCredentialValues): { jwks: JwkSet | null; jwks_uri: string | null } {
  const keyed = values.token_endpoint_auth_method === 'private_key_jwt';
  const parsed = keyed && values.key_source === 'jwks' ? parseJwks(values.jwks) : null;
  return {
    jwks: parsed && 'jwks' in parsed ? parsed.jwks : null,
    jwks_uri: keyed && values.key_source === 'jwks_uri' ? values.jwks_uri.trim() : null,
  };
}

/** Confidential clients authenticate (a secret or signed assertions); public ones (`none`) cannot keep a secret. */
export type ClientType = 'confidential' | 'public';

/** What the admin client form edits: every field as typed (numbers, the JWK Set and the redirect URIs stay text until sent). */
export interface ClientFormValues extends ClientIdentityValues, ClientCredentialValues {
  scope: string;
  client_type: ClientType;
  grant_types: GrantType[];
  /** The confidential client's method; a public client sends `none` whatever this holds. */
  token_endpoint_auth_method: Exclude<TokenEndpointAuthMethod, 'none'>;
  /** '' lets the client sign with any algorithm the server accepts. */
  token_endpoint_auth_signing_alg: string;
  /** One per line. */
  redirect_uris: string;
  launch_uri: string;
  patient: string;
  single_active_token: boolean;
  enabled: boolean;
  token_ttl_seconds: string;
  rate_limit_per_minute: string;
}

export type ClientFormField = keyof ClientFormValues;
export type ClientFormErrors = FormErrors<ClientFormField>;

/** The fields that show messages, in the order they stand in the form. */
export const CLIENT_FORM_FIELDS: ClientFormField[] = [
  'client_name',
  'description',
  'scope',
  'client_type',
  'grant_types',
  'token_endpoint_auth_method',
  'jwks',
  'jwks_uri',
  'token_endpoint_auth_signing_alg',
  'redirect_uris',
  'launch_uri',
  'patient',
  'token_ttl_seconds',
  'rate_limit_per_minute',
];

export const EMPTY_CLIENT: ClientFormValues = {
  client_name: '',
  description: '',
  scope: '',
  client_type: 'confidential',
  grant_types: ['client_credentials'],
  token_endpoint_auth_method: 'client_secret_basic',
  key_source: 'jwks',
  jwks: '',
  jwks_uri: '',
  token_endpoint_auth_signing_alg: '',
  redirect_uris: '',
  launch_uri: '',
  patient: '',
  single_active_token: false,
  enabled: true,
  token_ttl_seconds: '',
  rate_limit_per_minute: '',
};

/** SMART Backend Services (SMART App Launch 2.x, backend-services.html) recommends access tokens of at most five minutes. */
export const BACKEND_SERVICES_TTL_SECONDS = 300;

/** The form's values for an existing client. */
export function valuesFromClient(client: Client): ClientFormValues {
  return {
    client_name: client.client_name,
    description: client.description ?? '',
    scope: client.scope,
    client_type: client.token_endpoint_auth_method === 'none' ? 'public' : 'confidential',
    grant_types: [...client.grant_types],
    token_endpoint_auth_method:
      client.token_endpoint_auth_method === 'none' ? 'client_secret_basic' : client.token_endpoint_auth_method,
    key_source: client.jwks_uri && !client.jwks ? 'jwks_uri' : 'jwks',
    jwks: client.jwks ? JSON.stringify(client.jwks, null, 2) : '',
    jwks_uri: client.jwks_uri ?? '',
    token_endpoint_auth_signing_alg: client.token_endpoint_auth_signing_alg ?? '',
    redirect_uris: (client.redirect_uris ?? []).join('\n'),
    launch_uri: client.launch_uri ?? '',
    patient: client.patient ?? '',
    single_active_token: client.single_active_token,
    enabled: client.enabled,
    token_ttl_seconds: client.token_ttl_seconds == null ? '' : String(client.token_ttl_seconds),
    rate_limit_per_minute: client.rate_limit_per_minute == null ? '' : String(client.rate_limit_per_minute),
  };
}

/** The method the client really has: a public client authenticates with `none` whatever the select holds. */
function credentialsOf(values: ClientFormValues): ClientCredentialValues {
  return values.client_type === 'public' ? { ...values, token_endpoint_auth_method: 'none' } : values;
}

export function validateClientForm(values: ClientFormValues): ClientFormErrors {
  const errors: ClientFormErrors = validateClientIdentity(values, 'Enter a name');
  const scope = validateScope(values.scope);
  if (scope) errors.scope = scope;
  const publicClient = values.client_type === 'public';
  if (values.grant_types.length === 0) errors.grant_types = 'Choose at least one grant type';
  // RFC 6749 §4.4: the client credentials grant MUST only be used by confidential clients.
  else if (publicClient && values.grant_types.includes('client_credentials')) {
    errors.grant_types = 'A public client cannot use client credentials';
  }
  // RFC 6749 §1.5: a refresh token is obtained with an authorization grant; on its own it grants nothing.
  else if (values.grant_types.includes('refresh_token') && !values.grant_types.includes('authorization_code')) {
    errors.grant_types = 'Refresh tokens need the authorization code grant too';
  }
  const redirects = validateRedirectUris(values.redirect_uris, values.grant_types.includes('authorization_code'));
  if (redirects) errors.redirect_uris = redirects;
  const launch = validateLaunchUri(values.launch_uri);
  if (launch) errors.launch_uri = launch;
  Object.assign(errors, validateClientKeys(credentialsOf(values)));
  const patient = validatePatientId(values.patient);
  if (patient) errors.patient = patient;
  const ttl = validateOptionalWholeNumber(values.token_ttl_seconds, 60, 86_400, 'seconds');
  if (ttl) errors.token_ttl_seconds = ttl;
  const rate = validateOptionalWholeNumber(values.rate_limit_per_minute, 1, 100_000, 'requests');
  if (rate) errors.rate_limit_per_minute = rate;
  return errors;
}

/** The whole client as the form describes it, with null for every optional setting left empty. */
function desiredState(values: ClientFormValues): Required<UpdateClientRequest> {
  const credentials = credentialsOf(values);
  const keyed = credentials.token_endpoint_auth_method === 'private_key_jwt';
  return {
    client_name: values.client_name.trim(),
    description: values.description.trim(),
    scope: splitScopes(values.scope).join(' '),
    grant_types: GRANT_TYPES.filter((g) => values.grant_types.includes(g)),
    token_endpoint_auth_method: credentials.token_endpoint_auth_method,
    ...clientKeysOf(credentials),
    token_endpoint_auth_signing_alg: keyed ? values.token_endpoint_auth_signing_alg || null : null,
    redirect_uris: splitRedirectUris(values.redirect_uris),
    launch_uri: values.launch_uri.trim() || null,
    patient: values.patient.trim() || null,
    enabled: values.enabled,
    single_active_token: values.single_active_token,
    token_ttl_seconds: optionalNumber(values.token_ttl_seconds),
    rate_limit_per_minute: optionalNumber(values.rate_limit_per_minute),
  };
}

/** `POST /api/clients`: empty optional settings are left out, so the server's defaults apply. */
export function toCreateClientRequest(values: ClientFormValues): CreateClientRequest {
  const state = desiredState(values);
  const request: CreateClientRequest = {
    client_name: state.client_name,
    scope: state.scope,
    grant_types: state.grant_types,
    token_endpoint_auth_method: state.token_endpoint_auth_method,
    single_active_token: state.single_active_token,
    enabled: state.enabled,
  };
  if (state.description) request.description = state.description;
  if (state.jwks) request.jwks = state.jwks;
  if (state.jwks_uri) request.jwks_uri = state.jwks_uri;
  if (state.token_endpoint_auth_signing_alg)
    request.token_endpoint_auth_signing_alg = state.token_endpoint_auth_signing_alg;
  if (state.redirect_uris.length > 0) request.redirect_uris = state.redirect_uris;
  if (state.launch_uri) request.launch_uri = state.launch_uri;
  if (state.patient) request.patient = state.patient;
  if (state.token_ttl_seconds !== null) request.token_ttl_seconds = state.token_ttl_seconds;
  if (state.rate_limit_per_minute !== null) request.rate_limit_per_minute = state.rate_limit_per_minute;
  return request;
}

/** `PATCH /api/clients/{id}`: only what changed; a cleared setting is sent as null so the server forgets it. */
export function toUpdateClientRequest(client: Client, values: ClientFormValues): UpdateClientRequest {
  const current: Required<UpdateClientRequest> = {
    client_name: client.client_name,
    description: client.description ?? '',
    scope: splitScopes(client.scope).join(' '),
    grant_types: GRANT_TYPES.filter((g) => client.grant_types.includes(g)),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    jwks: client.jwks ?? null,
    jwks_uri: client.jwks_uri ?? null,
    token_endpoint_auth_signing_alg: client.token_endpoint_auth_signing_alg ?? null,
    redirect_uris: client.redirect_uris ?? [],
    launch_uri: client.launch_uri ?? null,
    patient: client.patient ?? null,
    enabled: client.enabled,
    single_active_token: client.single_active_token,
    token_ttl_seconds: client.token_ttl_seconds ?? null,
    rate_limit_per_minute: client.rate_limit_per_minute ?? null,
  };
  const desired = desiredState(values);
  const change: Record<string, unknown> = {};
  for (const key of Object.keys(desired) as (keyof UpdateClientRequest)[]) {
    if (JSON.stringify(desired[key]) !== JSON.stringify(current[key])) change[key] = desired[key];
  }
  return change as UpdateClientRequest;
}
