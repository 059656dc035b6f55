import type { LoginRequest } from '@ccri/contracts';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { login } from './auth-api';
import { useApi } from './session-context';
import { sessionFromLogin, type Session } from './session-store';

type LoginField = keyof LoginRequest;

function validate(values: LoginRequest): Partial<Record<LoginField, string>> {
  const errors: Partial<Record<LoginField, string>> = {};
  if (!values.username.trim()) errors.username = 'Enter your username';
  if (!values.password) errors.password = 'Enter your password';
  return errors;
}

function loginErrorMessage(error: unknown): string {
  // One message for both wrong name and wrong password, as the server does: neither may be confirmed to a guesser.
  if (error instanceof ApiError && error.status === 401) return 'Wrong username or password.';
  return errorMessage(error);
}

export function LoginForm({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const api = useApi();
  const [values, setValues] = useState<LoginRequest>({ username: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<LoginField, string>>>({});
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const mutation = useMutation({
    mutationFn: (request: LoginRequest) => login(api, request),
    onSuccess: (response, request) => onSignedIn(sessionFromLogin(request.username, response)),
  });

  const change = (field: LoginField) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (found.username) return usernameRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();
    mutation.mutate({ username: values.username.trim(), password: values.password });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Stack gap="md">
        {mutation.isError && (
          <Alert color="red" variant="light" title="Sign-in failed" role="alert">
            {loginErrorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          ref={usernameRef}
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          withAsterisk
          value={values.username}
          onChange={(e) => change('username')(e.currentTarget.value)}
          error={errors.username}
        />
        <PasswordInput
          ref={passwordRef}
          label="Password"
          name="password"
          autoComplete="current-password"
          withAsterisk
          value={values.password}
          onChange={(e) => change('password')(e.currentTarget.value)}
          error={errors.password}
        />
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
