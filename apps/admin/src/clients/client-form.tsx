import { GRANT_TYPES, type Client, type GrantType } from '@ccri/contracts';
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
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm } from '../app/use-server-validated-form';
import { useScopeCatalog } from '../scopes/scopes-queries';
import { SIGNING_ALGS, usesSecret } from './auth-methods';
import { ClientCredentialFields, ClientIdentityFields } from './client-field-groups';
import {
  BACKEND_SERVICES_TTL_SECONDS,
  CLIENT_FORM_FIELDS,
  validateClientForm,
  type ClientFormValues,
  type ClientType,
} from './client-form-model';
import { optionalNumber, validateScope } from './client-validation';
import { ScopeCatalogPicker } from './scope-catalog-picker';

const GRANT_LABELS: Record<GrantType, string> = {
  client_credentials: 'Client credentials (system to system)',
  authorization_code: 'Authorization code (apps acting for a user)',
  refresh_token: 'Refresh token',
};

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
  const form = useServerValidatedForm({ initial, fields: CLIENT_FORM_FIELDS });
  const { values, errors } = form;
  const [scopeTouched, setScopeTouched] = useState(false);

  const set: typeof form.set = (field, value) => {
    form.set(field, value);
    // Scopes are checked as they are typed (once the field was left or submitted); other fields clear their message.
    if (field === 'scope' && scopeTouched) form.setErrors((e) => ({ ...e, scope: validateScope(String(value)) }));
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
      form.setValues((v) => ({ ...v, token_ttl_seconds: String(BACKEND_SERVICES_TTL_SECONDS) }));
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setScopeTouched(true);
    if (!form.show(validateClientForm(values))) return;
    submission.mutate(values, { onError: form.showServerErrors });
  };

  const unplaced = submission.isError && !form.placed(submission.error);
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
            <ClientIdentityFields values={values} errors={errors} onChange={set} inputRef={form.ref} />
            <Textarea
              ref={form.ref('scope')}
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
                  form.setErrors((e) => ({ ...e, scope: validateScope(values.scope) }));
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
                  ref={form.ref('client_type')}
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
                    ref={i === 0 ? form.ref('grant_types') : undefined}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            {!publicClient && (
              <ClientCredentialFields
                values={values}
                errors={errors}
                onMethodChange={changeMethod}
                onKeySourceChange={(source) => set('key_source', source)}
                onChange={set}
                inputRef={form.ref}
              />
            )}
            {keyed && (
              <NativeSelect
                ref={form.ref('token_endpoint_auth_signing_alg')}
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
              ref={form.ref('redirect_uris')}
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
              ref={form.ref('launch_uri')}
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
              ref={form.ref('patient')}
              label="Patient context"
              description="Optional Patient id put into this client's tokens."
              autoComplete="off"
              value={values.patient}
              onChange={(e) => set('patient', e.currentTarget.value)}
              error={errors.patient}
            />
            <TextInput
              ref={form.ref('token_ttl_seconds')}
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
              ref={form.ref('rate_limit_per_minute')}
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
