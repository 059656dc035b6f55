import type { InitialAccessTokenInfo, IssuedInitialAccessToken } from '@ccri/contracts';
import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  EmptyState,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { ConfirmModal } from '../app/confirm-modal';
import { formatDateTime, shortId } from '../app/format';
import { Notice, QueryStates } from '../app/query-states';
import { SecretField } from '../app/secret-field';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import { validateOptionalWholeNumber } from '../clients/client-validation';
import {
  useInitialAccessTokens,
  useIssueInitialAccessToken,
  useRevokeInitialAccessToken,
} from './registration-queries';

const STATUS_COLORS: Record<InitialAccessTokenInfo['status'], string> = {
  active: 'green',
  expired: 'gray',
  used_up: 'gray',
};
const STATUS_LABELS: Record<InitialAccessTokenInfo['status'], string> = {
  active: 'active',
  expired: 'expired',
  used_up: 'used up',
};

export interface IssueTokenValues {
  hours: string;
  max_uses: string;
}

export type IssueTokenErrors = FormErrors<keyof IssueTokenValues>;

export function validateIssueToken(values: IssueTokenValues): IssueTokenErrors {
  const errors: IssueTokenErrors = {};
  if (!values.hours.trim()) errors.hours = 'Enter how many hours the token is valid';
  else {
    const hours = validateOptionalWholeNumber(values.hours, 1, 8760, 'hours');
    if (hours) errors.hours = 'Enter whole hours from 1 to 8760 (a year)';
  }
  if (!values.max_uses.trim()) errors.max_uses = 'Enter how many clients it may register';
  else if (validateOptionalWholeNumber(values.max_uses, 1, 1_000_000, 'registrations'))
    errors.max_uses = 'Enter a whole number from 1 to 1000000';
  return errors;
}

function IssueTokenForm() {
  const issue = useIssueInitialAccessToken();
  const form = useServerValidatedForm<IssueTokenValues, keyof IssueTokenValues>({
    initial: { hours: '24', max_uses: '1' },
    fields: ['hours', 'max_uses'],
    // The form asks for hours; the server takes seconds.
    fieldOf: (path) => (path === 'expires_in' ? 'hours' : undefined),
  });
  const { values, errors, set } = form;
  // Held only here: the token is never cached or stored.
  const [issued, setIssued] = useState<IssuedInitialAccessToken | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validateIssueToken(values))) return;
    issue.mutate(
      { expires_in: Number(values.hours) * 3600, max_uses: Number(values.max_uses) },
      { onSuccess: setIssued, onError: form.showServerErrors },
    );
  };

  return (
    <>
      <form onSubmit={submit} noValidate aria-label="Issue an initial access token">
        <Stack gap="sm">
          {issue.isError && !form.placed(issue.error) && (
            <Alert color="red" variant="light" role="alert" title="Could not issue the token">
              {errorMessage(issue.error)}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" maw={560}>
            <TextInput
              ref={form.ref('hours')}
              label="Valid for (hours)"
              inputMode="numeric"
              withAsterisk
              value={values.hours}
              onChange={(e) => set('hours', e.currentTarget.value)}
              error={errors.hours}
            />
            <TextInput
              ref={form.ref('max_uses')}
              label="Registrations allowed"
              inputMode="numeric"
              withAsterisk
              value={values.max_uses}
              onChange={(e) => set('max_uses', e.currentTarget.value)}
              error={errors.max_uses}
            />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={issue.isPending}>
              Issue token
            </Button>
          </Group>
        </Stack>
      </form>
      <Modal
        opened={issued !== null}
        onClose={() => setIssued(null)}
        title="New initial access token"
        centered
        size="lg"
      >
        {issued && (
          <Stack gap="md">
            <Alert color="yellow" variant="light" title="Copy the token now">
              This is the only time it is shown. Give it to the integrator, who sends it as{' '}
              <Code>Authorization: Bearer</Code> to <Code>POST /auth/register</Code>. It allows {issued.max_uses}{' '}
              {issued.max_uses === 1 ? 'registration' : 'registrations'} until {formatDateTime(issued.expires_at)}.
            </Alert>
            <SecretField label="Initial access token" value={issued.initial_access_token} copyLabel="Copy token" />
            <Group justify="flex-end">
              <Button onClick={() => setIssued(null)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

/** RFC 7591 §3 initial access tokens for the initial-token policy: issue, list, revoke. */
export function InitialAccessTokensSection() {
  const tokens = useInitialAccessTokens();
  const revoke = useRevokeInitialAccessToken();
  const [revoking, setRevoking] = useState<InitialAccessTokenInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => {
    revoke.reset();
    setRevoking(null);
  };

  return (
    <Box component="section" aria-labelledby="initial-tokens-heading">
      <Title order={2} size="h3" id="initial-tokens-heading">
        Initial access tokens
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Under the “initial access token required” policy, dynamic registration needs one of these.
      </Text>
      <Stack gap="md">
        <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
          <IssueTokenForm />
        </Paper>
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        <QueryStates
          query={tokens}
          loading="Loading initial access tokens…"
          failed="Could not load initial access tokens"
        >
          {(data) =>
            data.length === 0 ? (
              <EmptyState
                py="md"
                title="No initial access tokens"
                description="Issue one above for each integrator who registers through RFC 7591."
              />
            ) : (
              <Table.ScrollContainer minWidth={640} type="native">
                <Table striped verticalSpacing="sm" aria-label="Initial access tokens">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">ID</Table.Th>
                      <Table.Th scope="col">Issued</Table.Th>
                      <Table.Th scope="col">Expires</Table.Th>
                      <Table.Th scope="col">Used</Table.Th>
                      <Table.Th scope="col">Status</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((t) => (
                      <Table.Tr key={t.id}>
                        <Table.Td>
                          <Code title={t.id}>{shortId(t.id, 8)}</Code>
                        </Table.Td>
                        <Table.Td>{formatDateTime(t.created_at)}</Table.Td>
                        <Table.Td>{formatDateTime(t.expires_at)}</Table.Td>
                        <Table.Td>
                          {t.uses} of {t.max_uses}
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_COLORS[t.status]} variant="light" miw="max-content">
                            {STATUS_LABELS[t.status]}
                          </Badge>
                        </Table.Td>
                        <Table.Td ta="right">
                          <Button
                            size="xs"
                            color="red"
                            variant="light"
                            onClick={() => setRevoking(t)}
                            aria-label={`Revoke initial access token ${t.id}`}
                          >
                            Revoke
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStates>
      </Stack>
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke initial access token"
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        error={revoke.error}
        errorTitle="Could not revoke the token"
        onCancel={close}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              setNotice(`Revoked initial access token ${shortId(revoking.id, 8)}.`);
              close();
            },
          })
        }
      >
        <Text>
          Revoke initial access token <Code>{revoking?.id}</Code>? It can register no more clients. Clients it already
          registered stay.
        </Text>
      </ConfirmModal>
    </Box>
  );
}
