import { DEVELOPER_PASSWORD_MIN_LENGTH, type DeveloperSession } from '@ccri/contracts';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { useServerValidatedForm } from '../app/use-server-validated-form';
import { signIn, signUp } from './portal-api';
import { usePortalApi } from './portal-session';

/** Good enough to catch a slip; the server checks the address properly. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface SignUpValues {
  email: string;
  name: string;
  password: string;
  confirm: string;
}
type SignUpField = keyof SignUpValues;
export type SignUpErrors = Partial<Record<SignUpField, string>>;

export function validateSignUp(values: SignUpValues): SignUpErrors {
  const errors: SignUpErrors = {};
  const email = values.email.trim();
  if (!email) errors.email = 'Enter your email address';
  else if (!EMAIL.test(email) || email.length > 254) errors.email = 'Enter an email address such as dev@example.org';
  if (!values.name.trim()) errors.name = 'Enter your name or your organisation’s';
  else if (values.name.trim().length > 200) errors.name = 'Use at most 200 characters';
  if (values.password.length < DEVELOPER_PASSWORD_MIN_LENGTH)
    errors.password = `Use at least ${DEVELOPER_PASSWORD_MIN_LENGTH} characters`;
  else if (values.password.length > 200) errors.password = 'Use at most 200 characters';
  if (!errors.password && values.confirm !== values.password) errors.confirm = 'The passwords do not match';
  return errors;
}

export interface SignInValues {
  email: string;
  password: string;
}
export type SignInErrors = Partial<Record<keyof SignInValues, string>>;

export function validateSignIn(values: SignInValues): SignInErrors {
  const errors: SignInErrors = {};
  if (!values.email.trim()) errors.email = 'Enter your email address';
  if (!values.password) errors.password = 'Enter your password';
  return errors;
}

export function SignUpForm({ onSignedUp }: { onSignedUp: (session: DeveloperSession) => void }) {
  const api = usePortalApi();
  const form = useServerValidatedForm<SignUpValues, SignUpField>({
    initial: { email: '', name: '', password: '', confirm: '' },
    fields: ['email', 'name', 'password', 'confirm'],
  });
  const mutation = useMutation({
    mutationFn: () =>
      signUp(api, { email: form.values.email.trim(), name: form.values.name.trim(), password: form.values.password }),
  });
  const { values, errors, set, ref } = form;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validateSignUp(values))) return;
    mutation.mutate(undefined, { onSuccess: onSignedUp, onError: form.showServerErrors });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create a developer account">
      <Stack gap="md">
        {mutation.isError && !form.placed(mutation.error) && (
          <Alert color="red" variant="light" title="Could not create the account" role="alert">
            {errorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          ref={ref('email')}
          label="Email address"
          type="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
          withAsterisk
          value={values.email}
          onChange={(e) => set('email', e.currentTarget.value)}
          error={errors.email}
        />
        <TextInput
          ref={ref('name')}
          label="Name"
          description="Yours or your organisation’s; administrators see it."
          autoComplete="organization"
          withAsterisk
          value={values.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={errors.name}
        />
        <PasswordInput
          ref={ref('password')}
          label="Password"
          description={`At least ${DEVELOPER_PASSWORD_MIN_LENGTH} characters.`}
          autoComplete="new-password"
          withAsterisk
          value={values.password}
          onChange={(e) => set('password', e.currentTarget.value)}
          error={errors.password}
        />
        <PasswordInput
          ref={ref('confirm')}
          label="Repeat the password"
          autoComplete="new-password"
          withAsterisk
          value={values.confirm}
          onChange={(e) => set('confirm', e.currentTarget.value)}
          error={errors.confirm}
        />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Create account
        </Button>
      </Stack>
    </form>
  );
}

export function SignInForm({ onSignedIn }: { onSignedIn: (session: DeveloperSession) => void }) {
  const api = usePortalApi();
  const form = useServerValidatedForm<SignInValues, keyof SignInValues>({
    initial: { email: '', password: '' },
    fields: ['email', 'password'],
  });
  const mutation = useMutation({
    mutationFn: () => signIn(api, { email: form.values.email.trim(), password: form.values.password }),
  });
  const { values, errors, set, ref } = form;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validateSignIn(values))) return;
    mutation.mutate(undefined, { onSuccess: onSignedIn });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in to the developer portal">
      <Stack gap="md">
        {mutation.isError && (
          <Alert color="red" variant="light" title="Sign-in failed" role="alert">
            {/* One message for a wrong address and a wrong password, as the server gives: neither is confirmed to a guesser. */}
            {mutation.error instanceof ApiError && mutation.error.status === 401
              ? 'Wrong email address or password.'
              : errorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          ref={ref('email')}
          label="Email address"
          type="email"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          withAsterisk
          value={values.email}
          onChange={(e) => set('email', e.currentTarget.value)}
          error={errors.email}
        />
        <PasswordInput
          ref={ref('password')}
          label="Password"
          autoComplete="current-password"
          withAsterisk
          value={values.password}
          onChange={(e) => set('password', e.currentTarget.value)}
          error={errors.password}
        />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
