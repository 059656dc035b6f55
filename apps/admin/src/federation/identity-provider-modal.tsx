import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import {
  FEDERATION_AUDIENCES,
  type FederationAudience,
  type IdentityProvider,
  type IdentityProviderRequest,
} from '@ccri/contracts';
import { AUDIENCE_LABELS } from './federation-api';
import { useSaveIdentityProvider } from './identity-providers-queries';

interface FormValues {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  scopes: string;
  audiences: FederationAudience[];
  link_by_verified_email: boolean;
  auto_create: boolean;
  allowed_domains: string;
  admin_allow_list: string;
}

type Field = keyof FormValues;

/** The fields in the order they stand in the form (the first in error takes the focus). */
const FIELDS: readonly Field[] = [
  'id',
  'name',
  'issuer',
  'client_id',
  'client_secret',
  'scopes',
  'audiences',
  'allowed_domains',
  'admin_allow_list',
];

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function initialValues(provider: IdentityProvider | null): FormValues {
  return {
    id: provider?.id ?? '',
    name: provider?.name ?? '',
    issuer: provider?.issuer ?? '',
    client_id: provider?.client_id ?? '',
    client_secret: '',
    scopes: provider?.scopes ?? 'openid email profile',
    audiences: provider?.audiences ?? [],
    link_by_verified_email: provider?.link_by_verified_email ?? false,
    auto_create: provider?.auto_create ?? false,
    allowed_domains: provider?.allowed_domains.join('\n') ?? '',
    admin_allow_list: provider?.admin_allow_list.join('\n') ?? '',
  };
}

/** One entry per line (or separated by commas or spaces). */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function validateProvider(values: FormValues, adding: boolean): FormErrors<Field> {
  const errors: FormErrors<Field> = {};
  if (adding && !PROVIDER_ID.test(values.id.trim()))
    errors.id = 'Use 1 to 63 lower-case letters, digits or -, starting with a letter or digit';
  if (!values.name.trim()) errors.name = 'Enter the name shown on the button';
  const issuer = values.issuer.trim();
  if (!URL.canParse(issuer) || !/^https?:$/.test(new URL(issuer).protocol))
    errors.issuer = 'Enter the issuer URL, e.g. https://accounts.google.com';
  if (!values.client_id.trim()) errors.client_id = 'Enter the client ID the provider gave you';
  if (adding && !values.client_secret) errors.client_secret = 'Enter the client secret the provider gave you';
  if (values.audiences.length === 0) errors.audiences = 'Choose who may sign in with this provider';
  return errors;
}

interface IdentityProviderModalProps {
  /** The provider to edit; null with `adding` to add one; null without it: closed. */
  provider: IdentityProvider | null;
  adding?: boolean;
  onClose: () => void;
  onSaved: (provider: IdentityProvider) => void;
}

/** Adds or edits a sign-in provider. The client secret is write-only: never shown, left empty to keep it. */
export function IdentityProviderModal({ provider, adding = false, onClose, onSaved }: IdentityProviderModalProps) {
  const opened = adding || provider !== null;
  const save = useSaveIdentityProvider();
  const form = useServerValidatedForm<FormValues, Field>({ initial: initialValues(provider), fields: FIELDS });
  const { values, errors, set } = form;

  useEffect(() => {
    if (!opened) return;
    form.setValues(initialValues(provider));
    form.setErrors({});
    save.reset();
  }, [opened, provider]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validateProvider(values, adding))) return;
    const request: IdentityProviderRequest = {
      id: values.id.trim(),
      name: values.name.trim(),
      issuer: values.issuer.trim(),
      client_id: values.client_id.trim(),
      ...(values.client_secret && { client_secret: values.client_secret }),
      scopes: values.scopes.trim(),
      audiences: values.audiences,
      link_by_verified_email: values.link_by_verified_email,
      auto_create: values.auto_create,
      allowed_domains: splitList(values.allowed_domains),
      admin_allow_list: splitList(values.admin_allow_list),
    };
    save.mutate(
      { request, existing: !adding },
      {
        onSuccess: (saved) => {
          onSaved(saved);
          onClose();
        },
        onError: form.showServerErrors,
      },
    );
  };

  const title = adding ? 'Add sign-in provider' : `Edit ${provider?.name ?? 'provider'}`;
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg">
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack gap="md">
          {save.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not save the provider">
              {errorMessage(save.error)}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="ID"
              description="Part of the callback URL"
              withAsterisk={adding}
              readOnly={!adding}
              ref={form.ref('id')}
              data-autofocus={adding || undefined}
              spellCheck={false}
              autoCapitalize="none"
              value={values.id}
              onChange={(e) => set('id', e.currentTarget.value)}
              error={errors.id}
            />
            <TextInput
              label="Name"
              description='Shown as "Sign in with {name}"'
              withAsterisk
              ref={form.ref('name')}
              value={values.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={errors.name}
            />
          </SimpleGrid>
          <TextInput
            label="Issuer"
            description="Its settings are read from {issuer}/.well-known/openid-configuration"
            withAsterisk
            ref={form.ref('issuer')}
            spellCheck={false}
            autoCapitalize="none"
            value={values.issuer}
            onChange={(e) => set('issuer', e.currentTarget.value)}
            error={errors.issuer}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Client ID"
              withAsterisk
              ref={form.ref('client_id')}
              spellCheck={false}
              autoCapitalize="none"
              value={values.client_id}
              onChange={(e) => set('client_id', e.currentTarget.value)}
              error={errors.client_id}
            />
            <PasswordInput
              label="Client secret"
              description={adding ? 'Stored encrypted; never shown again' : 'Leave empty to keep the stored secret'}
              withAsterisk={adding}
              ref={form.ref('client_secret')}
              autoComplete="new-password"
              value={values.client_secret}
              onChange={(e) => set('client_secret', e.currentTarget.value)}
              error={errors.client_secret}
            />
          </SimpleGrid>
          <TextInput
            label="Scopes"
            ref={form.ref('scopes')}
            spellCheck={false}
            value={values.scopes}
            onChange={(e) => set('scopes', e.currentTarget.value)}
            error={errors.scopes}
          />
          <Checkbox.Group
            label="Who signs in with it"
            withAsterisk
            value={values.audiences}
            onChange={(v) => set('audiences', v as FederationAudience[])}
            error={errors.audiences}
          >
            <Group gap="md" mt={4}>
              {FEDERATION_AUDIENCES.map((a) => (
                <Checkbox
                  key={a}
                  value={a}
                  label={AUDIENCE_LABELS[a]}
                  ref={a === 'users' ? form.ref('audiences') : undefined}
                />
              ))}
            </Group>
          </Checkbox.Group>
          <Switch
            label="Link to an existing account with the same verified e-mail"
            checked={values.link_by_verified_email}
            onChange={(e) => set('link_by_verified_email', e.currentTarget.checked)}
          />
          <Switch
            label="Create a developer account on a developer's first sign-in"
            checked={values.auto_create}
            onChange={(e) => set('auto_create', e.currentTarget.checked)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Textarea
              label="Allowed e-mail domains"
              description="One per line; empty: any domain"
              autosize
              minRows={2}
              spellCheck={false}
              value={values.allowed_domains}
              onChange={(e) => set('allowed_domains', e.currentTarget.value)}
              error={errors.allowed_domains}
            />
            <Textarea
              label="Administrator allow-list"
              description="Verified e-mails or subjects that sign in as the administrator of that name"
              autosize
              minRows={2}
              spellCheck={false}
              value={values.admin_allow_list}
              onChange={(e) => set('admin_allow_list', e.currentTarget.value)}
              error={errors.admin_allow_list}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {adding ? 'Add provider' : 'Save provider'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
