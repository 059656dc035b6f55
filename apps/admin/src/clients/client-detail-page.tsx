import type { Client } from '@ccri/contracts';
import { Alert, Anchor, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../api/api-error';
import { Detail } from '../app/detail';
import { PageHeader } from '../app/page-header';
import { ErrorState, LoadingState, Notice } from '../app/query-states';
import { usesSecret } from './auth-methods';
import { ClientForm } from './client-form';
import { toUpdateClientRequest, valuesFromClient } from './client-form-model';
import { ClientStatusBadge, DemoClientBadge } from './client-status-badge';
import { useClient, useDecideClient, useUpdateClient } from './clients-queries';
import { DeleteClientModal } from './delete-client-modal';
import { canLaunch, LaunchModal } from './launch-modal';
import { RejectClientModal } from './reject-client-modal';
import { RotateSecretModal } from './rotate-secret-modal';

const ORIGIN: Record<NonNullable<Client['registered_by']>, string> = {
  admin: 'An administrator',
  dynamic: 'Dynamic registration (RFC 7591)',
  portal: 'The developer portal',
};

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** A pending self-registration: approve it, or reject it after confirmation. */
function PendingDecision({ client, onDecided }: { client: Client; onDecided: (message: string) => void }) {
  const approval = useDecideClient();
  const [rejecting, setRejecting] = useState<Client | null>(null);

  return (
    <Alert color="yellow" variant="light" role="note" title="Waiting for approval">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">
          This client registered itself and cannot get tokens until an administrator approves it. Check its scopes below
          first.
        </Text>
        {approval.isError && (
          <Text size="sm" c="red" role="alert">
            Could not approve the client: {errorMessage(approval.error)}
          </Text>
        )}
        <Group gap="sm">
          <Button
            color="green"
            loading={approval.isPending}
            onClick={() =>
              approval.mutate(
                { clientId: client.client_id, decision: 'approve' },
                { onSuccess: () => onDecided('Approved: the client can request tokens now.') },
              )
            }
          >
            Approve
          </Button>
          <Button color="red" variant="light" onClick={() => setRejecting(client)}>
            Reject…
          </Button>
        </Group>
      </Stack>
      <RejectClientModal
        client={rejecting}
        onClose={() => setRejecting(null)}
        onRejected={() => onDecided('Rejected: the client cannot request tokens.')}
      />
    </Alert>
  );
}

/** One client: its registration, approval when pending, and every setting, editable. */
export function ClientDetailPage() {
  const { clientId = '' } = useParams();
  const navigate = useNavigate();
  const client = useClient(clientId);
  const update = useUpdateClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [rotating, setRotating] = useState<Client | null>(null);
  const [deleting, setDeleting] = useState<Client | null>(null);
  const [launching, setLaunching] = useState<Client | null>(null);

  if (client.isPending) {
    return (
      <>
        <PageHeader title="Client" />
        <LoadingState label="Loading the client…" />
      </>
    );
  }
  if (client.isError) {
    const missing = client.error instanceof ApiError && client.error.status === 404;
    return (
      <>
        <PageHeader title={missing ? 'Client not found' : 'Client'} />
        {missing ? (
          <Alert color="gray" variant="light" role="alert" title="There is no such client">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                No client has the id <Code>{clientId}</Code>. It may have been deleted.
              </Text>
              <Button component={Link} to="/clients" variant="light" size="xs">
                Back to clients
              </Button>
            </Stack>
          </Alert>
        ) : (
          <ErrorState
            title="Could not load the client"
            error={client.error}
            onRetry={() => client.refetch()}
            retrying={client.isFetching}
          />
        )}
      </>
    );
  }

  const c = client.data;
  return (
    <>
      <PageHeader
        title={c.client_name || c.client_id}
        description={
          <>
            Client ID <Code>{c.client_id}</Code>
          </>
        }
        actions={
          <>
            {canLaunch(c) && <Button onClick={() => setLaunching(c)}>Launch…</Button>}
            <Button component={Link} to={`/tokens?client_id=${encodeURIComponent(c.client_id)}`} variant="default">
              Live tokens
            </Button>
            {usesSecret(c.token_endpoint_auth_method) && (
              <Button variant="default" onClick={() => setRotating(c)}>
                Rotate secret…
              </Button>
            )}
            <Button color="red" variant="light" onClick={() => setDeleting(c)}>
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
        {c.status === 'pending' && <PendingDecision client={c} onDecided={setNotice} />}
        {c.demo && !c.enabled && (
          <Alert color="gray" variant="light" role="note" title="Demo client, refused" maw={720}>
            <Text size="sm">
              This is one of the CCRI demo clients, whose secrets are published. Demo mode is off, so it cannot sign in
              or get tokens.
            </Text>
          </Alert>
        )}

        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Title order={2} size="h4" mb="sm">
            Registration
          </Title>
          <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" m={0}>
            <Detail term="Status">
              <Group gap={4}>
                <ClientStatusBadge status={c.status} />
                <DemoClientBadge client={c} />
              </Group>
            </Detail>
            <Detail term="Registered by">{ORIGIN[c.registered_by ?? 'admin']}</Detail>
            {c.owner && (
              <Detail term="Developer account">
                <Code>{c.owner}</Code>
              </Detail>
            )}
            <Detail term="Client type">{c.token_endpoint_auth_method === 'none' ? 'Public' : 'Confidential'}</Detail>
            <Detail term="Created">{formatTime(c.created_at)}</Detail>
            <Detail term="Last changed">{formatTime(c.updated_at)}</Detail>
          </SimpleGrid>
          {((c.redirect_uris ?? []).length > 0 || c.launch_uri) && (
            <SimpleGrid component="dl" cols={1} spacing="md" mt="md" mb={0}>
              {(c.redirect_uris ?? []).length > 0 && (
                <Detail term="Redirect URIs">
                  <Stack component="ul" gap={2} m={0} p={0} style={{ listStyle: 'none' }} aria-label="Redirect URIs">
                    {(c.redirect_uris ?? []).map((uri) => (
                      <li key={uri}>
                        <Code>{uri}</Code>
                      </li>
                    ))}
                  </Stack>
                </Detail>
              )}
              {c.launch_uri && (
                <Detail term="Launch URI">
                  <Code>{c.launch_uri}</Code>
                </Detail>
              )}
            </SimpleGrid>
          )}
        </Paper>

        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Title order={2} size="h4" mb="md">
            Settings
          </Title>
          <ClientForm
            // A saved change comes back with a new updated_at: the form starts again from what the server holds.
            key={c.updated_at}
            ariaLabel="Edit client"
            initial={valuesFromClient(c)}
            editing={c}
            submitLabel="Save changes"
            errorTitle="Could not save the client"
            onSubmit={async (values) => {
              const change = toUpdateClientRequest(c, values);
              if (Object.keys(change).length === 0) return setNotice('Nothing changed.');
              await update.mutateAsync({ clientId: c.client_id, change });
              setNotice('Saved.');
            }}
            onCancel={() => navigate('/clients')}
          />
        </Paper>
        <Anchor component={Link} to={`/exports?client_id=${encodeURIComponent(c.client_id)}`} size="sm">
          Bulk exports of this client
        </Anchor>
        <Anchor component={Link} to="/clients" size="sm">
          Back to clients
        </Anchor>
      </Stack>

      <RotateSecretModal client={rotating} onClose={() => setRotating(null)} />
      <LaunchModal client={launching} onClose={() => setLaunching(null)} />
      <DeleteClientModal
        client={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => navigate('/clients', { replace: true })}
      />
    </>
  );
}
