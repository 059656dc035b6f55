import {
  GRANT_TYPES,
  type Client,
  type CreateClientRequest,
  type GrantType,
  type TokenEndpointAuthMethod,
  type UpdateClientRequest,
} from '@ccri/contracts';
import { splitScopes } from '@ccri/smart-scopes';
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { useScopeCatalog } from '../scopes/scopes-queries';
import { AUTH_METHODS, SIGNING_ALGS, usesSecret } from './auth-methods';
import { ClientKeysFields, type KeySource } from './client-keys-fields';
import {
  optionalNumber,
  parseJwks,
  splitRedirectUris,
  validateJwksUri,
  validateLaunchUri,
  validateOptionalWholeNumber,
  validateRedirectUris,
  validatePatientId,
  validateScope,
} from './client-validation';
import { ScopeCatalogPicker } from './scope-catalog-picker';

export { validateScope } from './client-validation';

/** Confidential clients authenticate (a secret or signed assertions); public ones (`none`) cannot keep a secret. */
export type ClientType = 'confidential' | 'public';

/** What the form edits: every field as typed (numbers, the JWK Set and the redirect URIs stay text until sent). */
export interface ClientFormValues {
  client_name: string;
  description: string;
  scope: string;
  client_type: ClientType;
  grant_types: GrantType[];
  /** The confidential client's method; a public client sends `none` whatever this holds. */
  token_endpoint_auth_method: Exclude<TokenEndpointAuthMethod, 'none'>;
  key_source: KeySource;
  jwks: string;
  jwks_uri: string;
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

type Field = keyof ClientFormValues;
export type ClientFormErrors = Partial<Record<Field, string>>;

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

const GRANT_LABELS: Record<GrantType, string> = {
  client_credentials: 'Client credentials (system to system)',
  authorization_code: 'Authorization code (apps acting for a user)',
  refresh_token: 'Refresh token',
};

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

export function validateClientForm(values: ClientFormValues): ClientFormErrors {
  const errors: ClientFormErrors = {};
  const name = values.client_name.trim();
  if (!name) errors.client_name = 'Enter a name';
  else if (name.length > 200) errors.client_name = 'Use at most 200 characters';
  if (values.description.trim().length > 1000) errors.description = 'Use at most 1000 characters';
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
  if (!publicClient && values.token_endpoint_auth_method === 'private_key_jwt') {
    if (values.key_source === 'jwks') {
      const parsed = parseJwks(values.jwks);
      if ('error' in parsed) errors.jwks = parsed.error;
    } else {
      const uri = validateJwksUri(values.jwks_uri);
      if (uri) errors.jwks_uri = uri;
    }
  }
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
  const publicClient = values.client_type === 'public';
  const keyed = !publicClient && values.token_endpoint_auth_method === 'private_key_jwt';
  const parsed = keyed && values.key_source === 'jwks' ? parseJwks(values.jwks) : null;
  return {
    client_name: values.client_name.trim(),
    description: values.description.trim(),
    scope: splitScopes(values.scope).join(' '),
    grant_types: GRANT_TYPES.filter((g) => values.grant_types.includes(g)),
    token_endpoint_auth_method: publicClient ? 'none' : values.token_endpoint_auth_method,
    jwks: parsed && 'jwks' in parsed ? parsed.jwks : null,
    jwks_uri: keyed && values.key_source === 'jwks_uri' ? values.jwks_uri.trim() : null,
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

const FIELD_ORDER: Field[] = [
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

/** Server field paths (`grant_types.0`, `jwks.keys`) under the form field they belong to. */
function serverFieldErrors(error: ApiError): ClientFormErrors {
  const found: ClientFormErrors = {};
  for (const [path, message] of Object.entries(error.fieldErrors)) {
    const field = path.split('.')[0] as Field;
    if (FIELD_ORDER.includes(field)) found[field] = found[field] ? `${found[field]} ${message}` : message;
  }
  return found;
}

type Input = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Each group of fields is introduced like a small heading. */
const LEGEND = {
  legend: { fontWeight: 700, fontSize: 'var(--mantine-font-size-md)', marginBottom: 'var(--mantine-spacing-xs)' },
};

interface ClientFormProps {
  initial: ClientFormValues;
  submitLabel: string;
  errorTitle: string;
  /** Sends the values; rejects with the server's error. */
  onSubmit: (values: ClientFormValues) => Promise<unknown>;
  onCancel: () => void;
  /** The client being edited, if any: lets the form warn about changes with consequences. */
  editing?: Client;
  ariaLabel: string;
}

/** Creates or edits a client. Messages appear beside their fields; the first field in error takes focus. */
export function ClientForm({
  initial,
  submitLabel,
  errorTitle,
  onSubmit,
  onCancel,
  editing,
  ariaLabel,
}: ClientFormProps) {
  const catalog = useScopeCatalog();
  const submission = useMutation({ mutationFn: onSubmit });
  const [values, setValues] = useState<ClientFormValues>(initial);
  const [errors, setErrors] = useState<ClientFormErrors>({});
  const [scopeTouched, setScopeTouched] = useState(false);
  const inputs = useRef<Partial<Record<Field, Input | null>>>({});

  const set = <K extends Field>(field: K, value: ClientFormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    // Scopes are checked as they are typed (once the field was left or submitted); other fields clear their message.
    setErrors((e) => ({ ...e, [field]: field === 'scope' && scopeTouched ? validateScope(String(value)) : undefined }));
  };

  const changeType = (type: ClientType) => {
    set('client_type', type);
    // RFC 6749 §4.4: client credentials are for confidential clients; a public app signs people in instead.
    if (type === 'public') {
      const grants = values.grant_types.filter((g) => g !== 'client_credentials');
      set('grant_types', grants.length > 0 ? grants : ['authorization_code']);
    }
  };

  const changeMethod = (method: ClientFormValues['token_endpoint_auth_method']) => {
    set('token_endpoint_auth_method', method);
    // Suggest the Backend Services lifetime when nobody has chosen one yet.
    if (method === 'private_key_jwt' && !values.token_ttl_seconds.trim()) {
      setValues((v) => ({ ...v, token_ttl_seconds: String(BACKEND_SERVICES_TTL_SECONDS) }));
    }
  };

  const focusFirst = (found: ClientFormErrors) => {
    const field = FIELD_ORDER.find((f) => found[f]);
    if (field) inputs.current[field]?.focus();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateClientForm(values);
    setErrors(found);
    setScopeTouched(true);
    if (Object.values(found).some(Boolean)) return focusFirst(found);
    submission.mutate(values, {
      onError: (error) => {
        if (!(error instanceof ApiError)) return;
        const fromServer = serverFieldErrors(error);
        setErrors(fromServer);
        focusFirst(fromServer);
      },
    });
  };

  const unplaced =
    submission.isError &&
    (!(submission.error instanceof ApiError) || Object.keys(serverFieldErrors(submission.error)).length === 0);
  const ref = (field: Field) => (el: Input | null) => {
    inputs.current[field] = el;
  };
  const publicClient = values.client_type === 'public';
  const keyed = !publicClient && values.token_endpoint_auth_method === 'private_key_jwt';
  const ttl = optionalNumber(values.token_ttl_seconds);
  // A client that had no secret (keys, or a public one) needs one issued after it moves to a secret method.
  const needsSecret =
    editing !== undefined && !usesSecret(editing.token_endpoint_auth_method) && !publicClient && !keyed;

  return (
    <form onSubmit={submit} noValidate aria-label={ariaLabel}>
      <Stack gap="lg" maw={720}>
        {unplaced && (
          <Alert color="red" variant="light" role="alert" title={errorTitle}>
            {errorMessage(submission.error)}
          </Alert>
        )}

        <Fieldset legend="Client" variant="unstyled" styles={LEGEND}>
          <Stack gap="md">
            <TextInput
              ref={ref('client_name')}
              label="Name"
              description="Shown to administrators and in the audit log."
              withAsterisk
              autoComplete="off"
              value={values.client_name}
              onChange={(e) => set('client_name', e.currentTarget.value)}
              error={errors.client_name}
            />
            <Textarea
              ref={ref('description')}
              label="Description"
              autosize
              minRows={2}
              value={values.description}
              onChange={(e) => set('description', e.currentTarget.value)}
              error={errors.description}
            />
            <Textarea
              ref={ref('scope')}
              label="Allowed scopes"
              description="SMART scopes separated by spaces, e.g. system/Patient.read system/Observation.rs"
              withAsterisk
              autosize
              minRows={2}
              spellCheck={false}
              autoCapitalize="none"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              value={values.scope}
              onChange={(e) => set('scope', e.currentTarget.value)}
              onBlur={() => {
                if (!scopeTouched && values.scope) {
                  setScopeTouched(true);
                  setErrors((e) => ({ ...e, scope: validateScope(values.scope) }));
                }
              }}
              error={errors.scope}
            />
            <ScopeCatalogPicker
              catalog={Array.isArray(catalog.data) ? catalog.data : undefined}
              unavailable={catalog.isError}
              chosen={values.scope}
              onPick={(scope) => set('scope', [...splitScopes(values.scope), scope].join(' '))}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Authentication" variant="unstyled" styles={LEGEND}>
          <Stack gap="md">
            <Radio.Group
              label="Client type"
              value={values.client_type}
              onChange={(v) => changeType(v as ClientType)}
              error={errors.client_type}
            >
              <Stack gap={6} mt={6}>
                <Radio
                  value="confidential"
                  label="Confidential: a server that keeps a secret or a private key"
                  ref={(el) => void (inputs.current.client_type = el)}
                />
                <Radio value="public" label="Public: a browser or mobile app that cannot keep a secret (no secret)" />
              </Stack>
            </Radio.Group>
            <Checkbox.Group
              label="Grant types"
              value={values.grant_types}
              onChange={(v) => set('grant_types', v as GrantType[])}
              error={errors.grant_types}
            >
              <Stack gap={6} mt={6}>
                {GRANT_TYPES.filter((grant) => !publicClient || grant !== 'client_credentials').map((grant, i) => (
                  <Checkbox
                    key={grant}
                    value={grant}
                    label={GRANT_LABELS[grant]}
                    ref={i === 0 ? (el) => void (inputs.current.grant_types = el) : undefined}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            {!publicClient && (
              <NativeSelect
                ref={ref('token_endpoint_auth_method')}
                label="Client authentication"
                data={AUTH_METHODS}
                value={values.token_endpoint_auth_method}
                onChange={(e) => changeMethod(e.currentTarget.value as ClientFormValues['token_endpoint_auth_method'])}
                error={errors.token_endpoint_auth_method}
              />
            )}
            {keyed && (
              <ClientKeysFields
                source={values.key_source}
                jwks={values.jwks}
                jwksUri={values.jwks_uri}
                errors={errors}
                onSourceChange={(source) => set('key_source', source)}
                onJwksChange={(v) => set('jwks', v)}
                onJwksUriChange={(v) => set('jwks_uri', v)}
                jwksRef={ref('jwks')}
                jwksUriRef={ref('jwks_uri')}
              />
            )}
            {keyed && (
              <NativeSelect
                ref={ref('token_endpoint_auth_signing_alg')}
                label="Signing algorithm"
                description="The algorithm the client's assertions must use. Optional."
                data={[{ value: '', label: 'Any the server accepts' }, ...SIGNING_ALGS]}
                value={values.token_endpoint_auth_signing_alg}
                onChange={(e) => set('token_endpoint_auth_signing_alg', e.currentTarget.value)}
                error={errors.token_endpoint_auth_signing_alg}
                w={{ base: '100%', xs: 320 }}
              />
            )}
            {needsSecret && (
              <Alert color="yellow" variant="light" role="status" title="This client has no secret yet">
                {editing.token_endpoint_auth_method === 'none'
                  ? 'It was a public client.'
                  : 'It authenticated with signed assertions.'}{' '}
                After saving, rotate its secret to issue one.
              </Alert>
            )}
          </Stack>
        </Fieldset>

        <Fieldset legend="Apps acting for people" variant="unstyled" styles={LEGEND}>
          <Stack gap="md">
            <Textarea
              ref={ref('redirect_uris')}
              label="Redirect URIs"
              description="One absolute URL per line, without a fragment. Compared exactly; needed for the authorization code grant."
              withAsterisk={values.grant_types.includes('authorization_code')}
              autosize
              minRows={2}
              spellCheck={false}
              autoCapitalize="none"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              value={values.redirect_uris}
              onChange={(e) => set('redirect_uris', e.currentTarget.value)}
              error={errors.redirect_uris}
            />
            <TextInput
              ref={ref('launch_uri')}
              label="Launch URI"
              description="Where an EHR launch opens the app (with iss and launch). Optional."
              type="url"
              autoComplete="off"
              spellCheck={false}
              value={values.launch_uri}
              onChange={(e) => set('launch_uri', e.currentTarget.value)}
              error={errors.launch_uri}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Tokens" variant="unstyled" styles={LEGEND}>
          <Stack gap="md">
            <TextInput
              ref={ref('patient')}
              label="Patient context"
              description="Optional Patient id put into this client's tokens."
              autoComplete="off"
              value={values.patient}
              onChange={(e) => set('patient', e.currentTarget.value)}
              error={errors.patient}
            />
            <TextInput
              ref={ref('token_ttl_seconds')}
              label="Token lifetime (seconds)"
              description={
                keyed
                  ? `SMART Backend Services recommends at most ${BACKEND_SERVICES_TTL_SECONDS} s (5 minutes). Leave empty for the server default.`
                  : 'From 60 to 86400. Leave empty for the server default.'
              }
              inputMode="numeric"
              autoComplete="off"
              value={values.token_ttl_seconds}
              onChange={(e) => set('token_ttl_seconds', e.currentTarget.value)}
              error={errors.token_ttl_seconds}
              w={{ base: '100%', xs: 320 }}
            />
            {keyed && ttl !== null && ttl > BACKEND_SERVICES_TTL_SECONDS && !errors.token_ttl_seconds && (
              <Text size="sm" c="yellow.8" role="note">
                Longer than the {BACKEND_SERVICES_TTL_SECONDS} s SMART Backend Services recommends.{' '}
                <Button
                  variant="subtle"
                  size="compact-sm"
                  onClick={() => set('token_ttl_seconds', String(BACKEND_SERVICES_TTL_SECONDS))}
                >
                  Use {BACKEND_SERVICES_TTL_SECONDS} s
                </Button>
              </Text>
            )}
            <TextInput
              ref={ref('rate_limit_per_minute')}
              label="Rate limit (token requests per minute)"
              description="Leave empty for the server default."
              inputMode="numeric"
              autoComplete="off"
              value={values.rate_limit_per_minute}
              onChange={(e) => set('rate_limit_per_minute', e.currentTarget.value)}
              error={errors.rate_limit_per_minute}
              w={{ base: '100%', xs: 320 }}
            />
            <Checkbox
              label="Single active token"
              description="Issuing a new token revokes the client's earlier ones."
              checked={values.single_active_token}
              onChange={(e) => set('single_active_token', e.currentTarget.checked)}
            />
            <Checkbox
              label="Enabled"
              description="A disabled client cannot get tokens, and its tokens are refused."
              checked={values.enabled}
              onChange={(e) => set('enabled', e.currentTarget.checked)}
            />
          </Stack>
        </Fieldset>

        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={submission.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
