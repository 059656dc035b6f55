import type {
  CreatedClient,
  PortalClientRequest,
  PortalRegistrationInfo,
  TokenEndpointAuthMethod,
} from '@ccri/contracts';
import { Alert, Button, Checkbox, Code, Group, NativeSelect, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../api/api-error';
import { AUTH_METHODS } from '../clients/auth-methods';
import { ClientKeysFields, type KeySource } from '../clients/client-keys-fields';
import { parseJwks, validateJwksUri } from '../clients/client-validation';
import { useRegisterClient } from './portal-queries';

export interface PortalClientValues {
  client_name: string;
  description: string;
  scopes: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  key_source: KeySource;
  jwks: string;
  jwks_uri: string;
}

type Field = keyof PortalClientValues;
export type PortalClientErrors = Partial<Record<Field, string>>;
const FIELD_ORDER: Field[] = ['client_name', 'description', 'scopes', 'token_endpoint_auth_method', 'jwks', 'jwks_uri'];

export function validatePortalClient(values: PortalClientValues): PortalClientErrors {
  const errors: PortalClientErrors = {};
  const name = values.client_name.trim();
  if (!name) errors.client_name = 'Enter a name for the client';
  else if (name.length > 200) errors.client_name = 'Use at most 200 characters';
  if (values.description.trim().length > 1000) errors.description = 'Use at most 1000 characters';
  if (values.scopes.length === 0) errors.scopes = 'Choose at least one scope';
  if (values.token_endpoint_auth_method === 'private_key_jwt') {
    if (values.key_source === 'jwks') {
      const parsed = parseJwks(values.jwks);
      if ('error' in parsed) errors.jwks = parsed.error;
    } else {
      const uri = validateJwksUri(values.jwks_uri);
      if (uri) errors.jwks_uri = uri;
    }
  }
  return errors;
}

export function toPortalClientRequest(values: PortalClientValues): PortalClientRequest {
  const request: PortalClientRequest = {
    client_name: values.client_name.trim(),
    scope: values.scopes.join(' '),
    token_endpoint_auth_method: values.token_endpoint_auth_method,
  };
  const description = values.description.trim();
  if (description) request.description = description;
  if (values.token_endpoint_auth_method === 'private_key_jwt') {
    if (values.key_source === 'jwks') {
      const parsed = parseJwks(values.jwks);
      if ('jwks' in parsed) request.jwks = parsed.jwks;
    } else {
      request.jwks_uri = values.jwks_uri.trim();
    }
  }
  return request;
}

type Input = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** "+ New Client": a name, scopes picked from the self-service allow-list, and how the client will authenticate. */
export function PortalClientForm({
  info,
  onCreated,
}: {
  info: PortalRegistrationInfo;
  onCreated: (client: CreatedClient) => void;
}) {
  const navigate = useNavigate();
  const registration = useRegisterClient();
  const submission = useMutation({
    mutationFn: (values: PortalClientValues) => registration.mutateAsync(toPortalClientRequest(values)),
  });
  const [values, setValues] = useState<PortalClientValues>({
    client_name: '',
    description: '',
    scopes: [],
    token_endpoint_auth_method: 'client_secret_basic',
    key_source: 'jwks',
    jwks: '',
    jwks_uri: '',
  });
  const [errors, setErrors] = useState<PortalClientErrors>({});
  const inputs = useRef<Partial<Record<Field, Input | null>>>({});

  const set = <K extends Field>(field: K, value: PortalClientValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const ref = (field: Field) => (el: Input | null) => {
    inputs.current[field] = el;
  };
  const focusFirst = (found: PortalClientErrors) => {
    const field = FIELD_ORDER.find((f) => found[f]);
    if (field) inputs.current[field]?.focus();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validatePortalClient(values);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return focusFirst(found);
    submission.mutate(values, {
      onSuccess: onCreated,
      onError: (error) => {
        if (!(error instanceof ApiError)) return;
        const fromServer: PortalClientErrors = {};
        for (const [path, message] of Object.entries(error.fieldErrors)) {
          const field = (path.startsWith('scope') ? 'scopes' : path.split('.')[0]) as Field;
          if (FIELD_ORDER.includes(field)) fromServer[field] = message;
        }
        setErrors(fromServer);
        focusFirst(fromServer);
      },
    });
  };

  const placed = submission.error instanceof ApiError && Object.keys(submission.error.fieldErrors).length > 0;

  return (
    <form onSubmit={submit} noValidate aria-label="New client">
      <Stack gap="md">
        {submission.isError && !placed && (
          <Alert color="red" variant="light" role="alert" title="Could not register the client">
            {errorMessage(submission.error)}
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
          description="What the client is for, to help an administrator approve it."
          autosize
          minRows={2}
          value={values.description}
          onChange={(e) => set('description', e.currentTarget.value)}
          error={errors.description}
        />
        {info.scopes.length === 0 ? (
          <Alert color="yellow" variant="light" role="note" title="No scopes are offered">
            This server offers no scopes for self-service registration yet. Ask an administrator.
          </Alert>
        ) : (
          <Checkbox.Group
            label="Scopes"
            description="What the client may request. Only the scopes this server offers for self-service are listed."
            withAsterisk
            value={values.scopes}
            onChange={(v) => set('scopes', v)}
            error={errors.scopes}
          >
            <Stack gap="xs" mt="xs">
              {info.scopes.map((entry, i) => (
                <Checkbox
                  key={entry.scope}
                  ref={i === 0 ? (el) => void (inputs.current.scopes = el) : undefined}
                  value={entry.scope}
                  label={<Code>{entry.scope}</Code>}
                  description={entry.description || undefined}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        <NativeSelect
          ref={ref('token_endpoint_auth_method')}
          label="Client authentication"
          data={AUTH_METHODS}
          value={values.token_endpoint_auth_method}
          onChange={(e) => set('token_endpoint_auth_method', e.currentTarget.value as TokenEndpointAuthMethod)}
          error={errors.token_endpoint_auth_method}
        />
        {values.token_endpoint_auth_method === 'private_key_jwt' && (
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
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => navigate('/portal/clients')}>
            Cancel
          </Button>
          <Button type="submit" loading={submission.isPending} disabled={info.scopes.length === 0}>
            Register client
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
