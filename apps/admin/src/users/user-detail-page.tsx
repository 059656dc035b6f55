import type { EndUser } from '@ccri/contracts';
import { Alert, Anchor, Button, Code, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../api/api-error';
import { ConfirmModal } from '../app/confirm-modal';
import { formatDateTime } from '../app/format';
import { Detail } from '../app/detail';
import { PageHeader } from '../app/page-header';
import { useServerValidatedForm } from '../app/use-server-validated-form';
import { ErrorState, LoadingState, Notice } from '../app/query-states';
import { LinkedIdentities } from '../federation/linked-identities';
import { GrantsList } from '../grants/grants-list';
import { ResetPasswordModal } from './reset-password-modal';
import { EnabledBadge, ROLE_LABELS } from './users-page';
import { useDeleteUser, useSignOutUser, useUpdateUser, useUser } from './users-queries';
import { validateDisplayName, validateEmail } from './user-validation';

type EditField = 'display_name' | 'email';

/** The name and email address, editable; only what changed is sent. */
function EditUserForm({ user, onSaved }: { user: EndUser; onSaved: (message: string) => void }) {
  const update = useUpdateUser();
  const form = useServerValidatedForm<Record<EditField, string>, EditField>({
    initial: { display_name: user.display_name, email: user.email ?? '' },
    fields: ['display_name', 'email'],
  });
  const { values, errors, set } = form;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show({ display_name: validateDisplayName(values.display_name), email: validateEmail(values.email) }))
      return;
    const change: { display_name?: string; email?: string | null } = {};
    if (values.display_name.trim() !== user.display_name) change.display_name = values.display_name.trim();
    if ((values.email.trim() || null) !== (user.email ?? null)) change.email = values.email.trim() || null;
    if (Object.keys(change).length === 0) return onSaved('Nothing changed.');
    update.mutate({ id: user.id, change }, { onSuccess: () => onSaved('Saved.'), onError: form.showServerErrors });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit user">
      <Stack gap="md">
        {update.isError && !form.placed(update.error) && (
          <Alert color="red" variant="light" role="alert" title="Could not save the user">
            {errorMessage(update.error)}
          </Alert>
        )}
        <TextInput
          label="Display name"
          withAsterisk
          autoComplete="off"
          value={values.display_name}
          onChange={(e) => set('display_name', e.currentTarget.value)}
          error={errors.display_name}
        />
        <TextInput
          label="Email"
          type="email"
          autoComplete="off"
          value={values.email}
          onChange={(e) => set('email', e.currentTarget.value)}
          error={errors.email}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One person: who they are, their account's state, what they allowed apps, and the actions on the account. */
export function UserDetailPage() {
  const { userId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const user = useUser(userId);
  const enabling = useUpdateUser();
  const signOut = useSignOutUser();
  const deletion = useDeleteUser();
  const [notice, setNotice] = useState<string | null>(
    (location.state as { created?: boolean } | null)?.created ? 'User created.' : null,
  );
  const [resetting, setResetting] = useState<EndUser | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const [deleting, setDeleting] = useState(false);

  if (user.isPending) {
    return (
      <>
        <PageHeader title="User" />
        <LoadingState label="Loading the user…" />
      </>
    );
  }
  if (user.isError) {
    const missing = user.error instanceof ApiError && user.error.status === 404;
    return (
      <>
        <PageHeader title={missing ? 'User not found' : 'User'} />
        {missing ? (
          <Alert color="gray" variant="light" role="alert" title="There is no such user">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">It may have been deleted.</Text>
              <Button component={Link} to="/users" variant="light" size="xs">
                Back to users
              </Button>
            </Stack>
          </Alert>
        ) : (
          <ErrorState
            title="Could not load the user"
            error={user.error}
            onRetry={() => user.refetch()}
            retrying={user.isFetching}
          />
        )}
      </>
    );
  }

  const u = user.data;
  const closeSignOut = () => {
    signOut.reset();
    setSigningOut(false);
  };
  const closeDelete = () => {
    deletion.reset();
    setDeleting(false);
  };

  return (
    <>
      <PageHeader
        title={u.display_name || u.username}
        description={
          <>
            {ROLE_LABELS[u.role]} · username <Code>{u.username}</Code>
          </>
        }
        actions={
          <>
            <Button
              variant="default"
              loading={enabling.isPending}
              onClick={() =>
                enabling.mutate(
                  { id: u.id, change: { enabled: !u.enabled } },
                  {
                    onSuccess: (saved) =>
                      setNotice(
                        saved.enabled
                          ? 'Enabled: the person can sign in again.'
                          : 'Disabled: the person cannot sign in, and apps cannot act for them.',
                      ),
                  },
                )
              }
            >
              {u.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button variant="default" onClick={() => setResetting(u)}>
              Reset password…
            </Button>
            <Button variant="default" onClick={() => setSigningOut(true)}>
              Sign out everywhere…
            </Button>
            <Button color="red" variant="light" onClick={() => setDeleting(true)}>
              Delete…
            </Button>
          </>
        }
      />
      <Stack gap="lg">
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        {enabling.isError && (
          <Notice tone="error" title="Could not change the user" onClose={() => enabling.reset()}>
            {errorMessage(enabling.error)}
          </Notice>
        )}

        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Title order={2} size="h4" mb="sm">
            Account
          </Title>
          <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" m={0}>
            <Detail term="Status">
              <EnabledBadge enabled={u.enabled} />
            </Detail>
            <Detail term="Role">{ROLE_LABELS[u.role]}</Detail>
            <Detail term="FHIR resource">
              <Code>{u.fhir_user}</Code>
            </Detail>
            <Detail term="Email">{u.email || '—'}</Detail>
            <Detail term="Created">{formatDateTime(u.created_at)}</Detail>
            <Detail term="Last changed">{formatDateTime(u.updated_at)}</Detail>
            <Detail term="Linked sign-ins">
              <LinkedIdentities user={u} onUnlinked={setNotice} />
            </Detail>
          </SimpleGrid>
        </Paper>

        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Title order={2} size="h4" mb="md">
            Details
          </Title>
          <EditUserForm key={u.updated_at} user={u} onSaved={setNotice} />
        </Paper>

        <section aria-labelledby="user-grants-heading">
          <Title order={2} size="h4" id="user-grants-heading">
            Apps acting for this person
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            What {u.display_name || u.username} allowed apps to do. Revoking a grant ends its tokens.
          </Text>
          <GrantsList
            query={{ user: u.id }}
            showUser={false}
            emptyTitle="No grants"
            emptyDescription="This person has not allowed any app to act for them."
          />
        </section>

        <Anchor component={Link} to="/users" size="sm">
          Back to users
        </Anchor>
      </Stack>

      <ResetPasswordModal
        user={resetting}
        onClose={() => setResetting(null)}
        onReset={() => setNotice('Password reset. The person was signed out everywhere.')}
      />
      <ConfirmModal
        opened={signingOut}
        title="Sign out everywhere"
        confirmLabel="Sign out everywhere"
        color="orange"
        pending={signOut.isPending}
        error={signOut.error}
        errorTitle="Could not sign the person out"
        onCancel={closeSignOut}
        onConfirm={() =>
          signOut.mutate(u.id, {
            onSuccess: () => {
              setNotice(`Signed ${u.username} out everywhere.`);
              closeSignOut();
            },
          })
        }
      >
        <Text>
          End every sign-in session of <strong>{u.username}</strong>? Apps keep the grants the person allowed; revoke
          those below to end their tokens too.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={deleting}
        title="Delete user"
        confirmLabel="Delete user"
        pending={deletion.isPending}
        error={deletion.error}
        errorTitle="Could not delete the user"
        onCancel={closeDelete}
        onConfirm={() => deletion.mutate(u.id, { onSuccess: () => navigate('/users', { replace: true }) })}
      >
        <Text>
          Delete <strong>{u.username}</strong>? The person can no longer sign in, and every grant and token they gave
          apps ends. This cannot be undone.
        </Text>
      </ConfirmModal>
    </>
  );
}
