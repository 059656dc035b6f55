import type { CreatedClient, PortalClientRequest, PortalRegistrationInfo } from '@ccri/contracts';
import { Alert, Button, Checkbox, Code, Group, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import { ClientCredentialFields, ClientIdentityFields } from '../clients/client-field-groups';
import {
  clientKeysOf,
  validateClientIdentity,
  validateClientKeys,
  type ClientCredentialValues,
  type ClientIdentityValues,
} from '../clients/client-form-model';
import { useRegisterClient } from './portal-queries';

/** What an integrator chooses: the scopes are picked from the self-service allow-list. */
export interface PortalClientValues extends ClientIdentityValues, ClientCredentialValues {
  scopes: string[];
}

type Field = keyof PortalClientValues;
export type PortalClientErrors = FormErrors<Field>;
const FIELDS: Field[] = ['client_name', 'description', 'scopes', 'token_endpoint_auth_method', 'jwks', 'jwks_uri'];

export function validatePortalClient(values: PortalClientValues): PortalClientErrors {
  const errors: PortalClientErrors = validateClientIdentity(values, 'Enter a name for the client');
  if (values.scopes.length === 0) errors.scopes = 'Choose at least one scope';
  return { ...errors, ...validateClientKeys(values) };
}

export function toPortalClientRequest(values: PortalClientValues): PortalClientRequest {
  const request: PortalClientRequest = {
    client_name: values.client_name.trim(),
    scope: values.scopes.join(' '),
    token_endpoint_auth_method: values.token_endpoint_auth_method,
  };
  const description = values.description.trim();
  if (description) request.description = description;
  const { jwks, jwks_uri } = clientKeysOf(values);
  if (jwks) request.jwks = jwks;
  if (jwks_uri !== null) request.jwks_uri = jwks_uri;
  return request;
}

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
  const form = useServerValidatedForm<PortalClientValues, Field>({
    initial: {
      client_name: '',
      description: '',
      scopes: [],
      token_endpoint_auth_method: 'client_secret_basic',
      key_source: 'jwks',
      jwks: '',
      jwks_uri: '',
    },
    fields: FIELDS,
    // `scope` on the server is the list of scopes picked here.
    fieldOf: (path) => (path.startsWith('scope') ? 'scopes' : undefined),
  });
  const { values, errors, set } = form;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validatePortalClient(values))) return;
    submission.mutate(values, { onSuccess: onCreated, onError: form.showServerErrors });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="New client">
      <Stack gap="md">
        {submission.isError && !form.placed(submission.error) && (
          <Alert color="red" variant="light" role="alert" title="Could not register the client">
            {errorMessage(submission.error)}
          </Alert>
        )}
        <ClientIdentityFields
          values={values}
          errors={errors}
          onChange={set}
          inputRef={form.ref}
          descriptionHelp="What the client is for, to help an administrator approve it."
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
                  ref={i === 0 ? form.ref('scopes') : undefined}
                  value={entry.scope}
                  label={<Code>{entry.scope}</Code>}
                  description={entry.description || undefined}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        <ClientCredentialFields
          values={values}
          errors={errors}
          onMethodChange={(method) => set('token_endpoint_auth_method', method)}
          onKeySourceChange={(source) => set('key_source', source)}
          onChange={set}
          inputRef={form.ref}
        />
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
