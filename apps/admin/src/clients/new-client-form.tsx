import type { CreateClientRequest, CreatedClient, TokenEndpointAuthMethod } from '@ccri/contracts';
import { parseScopes, splitScopes } from '@ccri/smart-scopes';
import { Alert, Button, Checkbox, Group, NativeSelect, Stack, Textarea, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { useCreateClient } from './clients-queries';

export interface NewClientValues {
  client_name: string;
  description: string;
  scope: string;
  token_endpoint_auth_method: Extract<TokenEndpointAuthMethod, 'client_secret_basic' | 'client_secret_post'>;
  patient: string;
  single_active_token: boolean;
  enabled: boolean;
}

type Field = keyof NewClientValues;
export type NewClientErrors = Partial<Record<Field, string>>;

const INITIAL: NewClientValues = {
  client_name: '',
  description: '',
  scope: '',
  token_endpoint_auth_method: 'client_secret_basic',
  patient: '',
  single_active_token: false,
  enabled: true,
};

const AUTH_METHODS = [
  { value: 'client_secret_basic', label: 'Secret in HTTP Basic header (client_secret_basic)' },
  { value: 'client_secret_post', label: 'Secret in the request body (client_secret_post)' },
];

// FHIR R4 datatypes.html#id
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function validateScope(scope: string): string | undefined {
  if (splitScopes(scope).length === 0) return 'Enter at least one scope';
  const { invalid } = parseScopes(scope);
  if (invalid.length === 1) return `"${invalid[0]}" is not a valid SMART scope`;
  if (invalid.length > 1) return `Not valid SMART scopes: ${invalid.map((s) => `"${s}"`).join(', ')}`;
  return undefined;
}

export function validateNewClient(values: NewClientValues): NewClientErrors {
  const errors: NewClientErrors = {};
  const name = values.client_name.trim();
  if (!name) errors.client_name = 'Enter a name';
  else if (name.length > 200) errors.client_name = 'Use at most 200 characters';
  const scope = validateScope(values.scope);
  if (scope) errors.scope = scope;
  const patient = values.patient.trim();
  if (patient && !FHIR_ID.test(patient)) errors.patient = 'A Patient id has 1 to 64 letters, digits, "-" or "."';
  return errors;
}

export function toCreateClientRequest(values: NewClientValues): CreateClientRequest {
  const description = values.description.trim();
  const patient = values.patient.trim();
  return {
    client_name: values.client_name.trim(),
    ...(description && { description }),
    scope: splitScopes(values.scope).join(' '),
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: values.token_endpoint_auth_method,
    ...(patient && { patient }),
    single_active_token: values.single_active_token,
    enabled: values.enabled,
  };
}

const FIELD_ORDER: Field[] = ['client_name', 'description', 'scope', 'token_endpoint_auth_method', 'patient'];

export function NewClientForm({ onCreated, onCancel }: { onCreated: (client: CreatedClient) => void; onCancel: () => void }) {
  const creation = useCreateClient();
  const [values, setValues] = useState<NewClientValues>(INITIAL);
  const [errors, setErrors] = useState<NewClientErrors>({});
  const [scopeTouched, setScopeTouched] = useState(false);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null>>>({});

  const set = <K extends Field>(field: K, value: NewClientValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    // Scopes are checked as they are typed (once the field was left or submitted); other fields clear their message.
    setErrors((e) => ({ ...e, [field]: field === 'scope' && scopeTouched ? validateScope(String(value)) : undefined }));
  };

  const focusFirst = (found: NewClientErrors) => {
    const field = FIELD_ORDER.find((f) => found[f]);
    if (field) inputs.current[field]?.focus();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateNewClient(values);
    setErrors(found);
    setScopeTouched(true);
    if (Object.values(found).some(Boolean)) return focusFirst(found);
    creation.mutate(toCreateClientRequest(values), {
      onSuccess: onCreated,
      onError: (error) => {
        if (!(error instanceof ApiError)) return;
        const fromServer: NewClientErrors = {};
        for (const field of FIELD_ORDER) if (error.fieldErrors[field]) fromServer[field] = error.fieldErrors[field];
        setErrors(fromServer);
        focusFirst(fromServer);
      },
    });
  };

  const unplacedServerError =
    creation.error instanceof ApiError && !FIELD_ORDER.some((f) => (creation.error as ApiError).fieldErrors[f]);
  const ref = (field: Field) => (el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null) => {
    inputs.current[field] = el;
  };

  return (
    <form onSubmit={submit} noValidate aria-label="New client">
      <Stack gap="md" maw={640}>
        {creation.isError && (unplacedServerError || !(creation.error instanceof ApiError)) && (
          <Alert color="red" variant="light" role="alert" title="Could not create the client">
            {errorMessage(creation.error)}
          </Alert>
        )}
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
        <NativeSelect
          ref={ref('token_endpoint_auth_method')}
          label="Client authentication"
          data={AUTH_METHODS}
          value={values.token_endpoint_auth_method}
          onChange={(e) => set('token_endpoint_auth_method', e.currentTarget.value as NewClientValues['token_endpoint_auth_method'])}
          error={errors.token_endpoint_auth_method}
        />
        <TextInput
          ref={ref('patient')}
          label="Patient context"
          description="Optional Patient id put into this client's tokens."
          autoComplete="off"
          value={values.patient}
          onChange={(e) => set('patient', e.currentTarget.value)}
          error={errors.patient}
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
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={creation.isPending}>
            Create client
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
