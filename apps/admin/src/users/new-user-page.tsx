import {
  END_USER_PASSWORD_MIN_LENGTH,
  END_USER_ROLES,
  type CreateEndUserRequest,
  type DirectoryEntry,
  type EndUserRole,
} from '@ccri/contracts';
import { Alert, Button, Group, Paper, PasswordInput, Radio, Stack, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../api/api-error';
import { PageHeader } from '../app/page-header';
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
type Errors = Partial<Record<Field, string>>;
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

/** Server field paths under the form field they belong to. */
function serverFieldErrors(error: ApiError): Errors {
  const found: Errors = {};
  for (const [path, message] of Object.entries(error.fieldErrors)) {
    const field = path.split('.')[0] as Field;
    if (FIELD_ORDER.includes(field)) found[field] = message;
  }
  return found;
}

/** A new patient or practitioner account, linked to the FHIR resource the person is (SMART `fhirUser`). */
export function NewUserPage() {
  const navigate = useNavigate();
  const creation = useCreateUser();
  const [values, setValues] = useState<NewUserValues>({
    username: '',
    display_name: '',
    email: '',
    role: 'patient',
    fhir_user: null,
    password: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const ref = (field: Field) => (el: HTMLInputElement | null) => {
    inputs.current[field] = el;
  };

  const set = <K extends Field>(field: K, value: NewUserValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const focusFirst = (found: Errors) => {
    const field = FIELD_ORDER.find((f) => found[f]);
    if (field) inputs.current[field]?.focus();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    creation.mutate(toRequest(values), {
      onSuccess: (user) => navigate(`/users/${encodeURIComponent(user.id)}`, { state: { created: true } }),
      onError: (error) => {
        if (!(error instanceof ApiError)) return;
        const fromServer = serverFieldErrors(error);
        setErrors(fromServer);
        focusFirst(fromServer);
      },
    });
  };

  const placed = creation.error instanceof ApiError && Object.keys(serverFieldErrors(creation.error)).length > 0;

  return (
    <>
      <PageHeader title="New user" description="A patient or practitioner who signs in to SMART apps." />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
        <form onSubmit={submit} noValidate aria-label="New user">
          <Stack gap="md">
            {creation.isError && !placed && (
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
