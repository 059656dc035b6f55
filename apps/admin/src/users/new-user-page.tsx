import {
  END_USER_PASSWORD_MIN_LENGTH,
  END_USER_ROLES,
  type CreateEndUserRequest,
  type DirectoryEntry,
  type EndUserRole,
} from '@ccri/contracts';
import { Alert, Button, Group, Paper, PasswordInput, Radio, Stack, TextInput } from '@mantine/core';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api/api-error';
import { PageHeader } from '../app/page-header';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import { DirectoryPicker } from '../directory/directory-picker';
import { ROLE_LABELS } from './users-page';
import { useCreateUser } from './users-queries';
import { validateDisplayName, validateEmail, validatePassword, validateUsername } from './user-validation';

interface NewUserValues {
  username: string;
  display_name: string;
  email: string;
  role: EndUserRole;
  fhir_user: DirectoryEntry | null;
  password: string;
}

type Field = keyof NewUserValues;
type Errors = FormErrors<Field>;
const FIELD_ORDER: Field[] = ['username', 'display_name', 'email', 'role', 'fhir_user', 'password'];

function validate(values: NewUserValues): Errors {
  const errors: Errors = {
    username: validateUsername(values.username),
    display_name: validateDisplayName(values.display_name),
    email: validateEmail(values.email),
    fhir_user: values.fhir_user ? undefined : `Choose the ${values.role} this person is`,
    password: validatePassword(values.password),
  };
  return Object.fromEntries(Object.entries(errors).filter(([, m]) => m)) as Errors;
}

function toRequest(values: NewUserValues): CreateEndUserRequest {
  const request: CreateEndUserRequest = {
    username: values.username.trim(),
    display_name: values.display_name.trim(),
    role: values.role,
    fhir_user: values.fhir_user?.reference ?? '',
    password: values.password,
  };
  const email = values.email.trim();
  if (email) request.email = email;
  return request;
}

/** A new patient or practitioner account, linked to the FHIR resource the person is (SMART `fhirUser`). */
export function NewUserPage() {
  const navigate = useNavigate();
  const creation = useCreateUser();
  const form = useServerValidatedForm<NewUserValues, Field>({
    initial: { username: '', display_name: '', email: '', role: 'patient', fhir_user: null, password: '' },
    fields: FIELD_ORDER,
  });
  const { values, errors, set, ref } = form;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validate(values))) return;
    creation.mutate(toRequest(values), {
      onSuccess: (user) => navigate(`/users/${encodeURIComponent(user.id)}`, { state: { created: true } }),
      onError: form.showServerErrors,
    });
  };

  return (
    <>
      <PageHeader title="New user" description="A patient or practitioner who signs in to SMART apps." />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
        <form onSubmit={submit} noValidate aria-label="New user">
          <Stack gap="md">
            {creation.isError && !form.placed(creation.error) && (
              <Alert color="red" variant="light" role="alert" title="Could not create the user">
                {errorMessage(creation.error)}
              </Alert>
            )}
            <TextInput
              ref={ref('username')}
              label="Username"
              description="What the person types to sign in."
              withAsterisk
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="none"
              value={values.username}
              onChange={(e) => set('username', e.currentTarget.value)}
              error={errors.username}
            />
            <TextInput
              ref={ref('display_name')}
              label="Display name"
              withAsterisk
              autoComplete="off"
              value={values.display_name}
              onChange={(e) => set('display_name', e.currentTarget.value)}
              error={errors.display_name}
            />
            <TextInput
              ref={ref('email')}
              label="Email"
              type="email"
              autoComplete="off"
              value={values.email}
              onChange={(e) => set('email', e.currentTarget.value)}
              error={errors.email}
            />
            <Radio.Group
              label="Role"
              withAsterisk
              value={values.role}
              onChange={(role) => {
                // A patient is linked to a Patient, a practitioner to a Practitioner: a new role needs a new pick.
                set('role', role as EndUserRole);
                set('fhir_user', null);
              }}
              error={errors.role}
            >
              <Group gap="lg" mt={6}>
                {END_USER_ROLES.map((role) => (
                  <Radio key={role} value={role} label={ROLE_LABELS[role]} />
                ))}
              </Group>
            </Radio.Group>
            <DirectoryPicker
              key={values.role}
              role={values.role}
              value={values.fhir_user}
              onChange={(entry) => set('fhir_user', entry)}
              error={errors.fhir_user}
              inputRef={ref('fhir_user')}
              withAsterisk
            />
            <PasswordInput
              ref={ref('password')}
              label="Password"
              description={`At least ${END_USER_PASSWORD_MIN_LENGTH} characters. Give it to the person privately.`}
              withAsterisk
              autoComplete="new-password"
              value={values.password}
              onChange={(e) => set('password', e.currentTarget.value)}
              error={errors.password}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" component={Link} to="/users">
                Cancel
              </Button>
              <Button type="submit" loading={creation.isPending}>
                Create user
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
