import { END_USER_PASSWORD_MIN_LENGTH, type EndUser } from '@ccri/contracts';
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import type { FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm } from '../app/use-server-validated-form';
import { useUpdateUser } from './users-queries';
import { validatePassword } from './user-validation';

interface ResetPasswordModalProps {
  user: EndUser | null;
  onClose: () => void;
  onReset: (user: EndUser) => void;
}

/** Sets a new password; the server ends the person's sessions with it. */
export function ResetPasswordModal({ user, onClose, onReset }: ResetPasswordModalProps) {
  const update = useUpdateUser();
  const form = useServerValidatedForm({ initial: { password: '' }, fields: ['password'] });
  const close = () => {
    update.reset();
    form.reset();
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!user || !form.show({ password: validatePassword(form.values.password) })) return;
    update.mutate(
      { id: user.id, change: { password: form.values.password } },
      {
        onSuccess: (saved) => {
          onReset(saved);
          close();
        },
        onError: form.showServerErrors,
      },
    );
  };

  return (
    <Modal opened={user !== null} onClose={close} title="Reset password" centered>
      {user && (
        <form onSubmit={submit} noValidate aria-label="Reset password">
          <Stack gap="md">
            <Text size="sm">
              Set a new password for <strong>{user.username}</strong>. The person is signed out everywhere and signs in
              with the new one.
            </Text>
            <PasswordInput
              label="New password"
              description={`At least ${END_USER_PASSWORD_MIN_LENGTH} characters.`}
              withAsterisk
              autoComplete="new-password"
              data-autofocus
              value={form.values.password}
              onChange={(e) => form.set('password', e.currentTarget.value)}
              error={form.errors.password}
            />
            {update.isError && !form.placed(update.error) && (
              <Alert color="red" variant="light" role="alert" title="Could not reset the password">
                {errorMessage(update.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="orange" loading={update.isPending}>
                Reset password
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
