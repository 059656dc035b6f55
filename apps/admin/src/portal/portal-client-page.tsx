import { Alert, Anchor, Button, Code, Group, Modal, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/api-error';
import { ConfirmModal } from '../app/confirm-modal';
import { formatDateTime } from '../app/format';
import { Detail } from '../app/detail';
import { PageHeader } from '../app/page-header';
import { ErrorState, LoadingState } from '../app/query-states';
import { authMethodLabel, usesSecret } from '../clients/auth-methods';
import { ClientSecretReveal } from '../clients/client-secret-reveal';
import { ClientStatusBadge } from '../clients/client-status-badge';
import { ScopeList } from '../clients/scope-list';
import { PORTAL_SITE } from './portal-auth-frame';
import { portalKeys, useDeleteMyClient, useMyClient, useRotateMySecret } from './portal-queries';

/** One of the integrator's clients: its registration, a new secret, or its deletion. */
export function PortalClientPage() {
  const { clientId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const client = useMyClient(clientId);
  const rotation = useRotateMySecret();
  const deletion = useDeleteMyClient();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  if (client.isPending) {
    return (
      <>
        <PageHeader site={PORTAL_SITE} title="Client" />
        <LoadingState label="Loading the client…" />
      </>
    );
  }
  if (client.isError) {
    const missing = client.error instanceof ApiError && client.error.status === 404;
    return (
      <>
        <PageHeader site={PORTAL_SITE} title={missing ? 'Client not found' : 'Client'} />
        {missing ? (
          <Alert color="gray" variant="light" role="alert" title="You have no such client">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">It may have been deleted, or it belongs to another account.</Text>
              <Button component={Link} to="/portal/clients" variant="light" size="xs">
                Back to my clients
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
  const closeRotate = () => {
    rotation.reset();
    setConfirmRotate(false);
  };
  return (
    <>
      <PageHeader
        site={PORTAL_SITE}
        title={c.client_name}
        description={
          <>
            Client ID <Code>{c.client_id}</Code>
          </>
        }
        actions={
          <>
            {usesSecret(c.token_endpoint_auth_method) && (
              <Button variant="default" onClick={() => setConfirmRotate(true)}>
                New secret…
              </Button>
            )}
            <Button color="red" variant="light" onClick={() => setConfirmDelete(true)}>
              Delete…
            </Button>
          </>
        }
      />
      <Stack gap="lg" maw={720}>
        {c.status === 'pending' && (
          <Alert color="yellow" variant="light" role="note" title="Waiting for approval">
            An administrator must approve this client before it can get tokens.
          </Alert>
        )}
        {c.status === 'rejected' && (
          <Alert color="red" variant="light" role="note" title="Rejected">
            An administrator turned this registration down; it cannot get tokens.
          </Alert>
        )}
        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md">
          <SimpleGrid component="dl" cols={{ base: 1, xs: 2 }} spacing="md" m={0}>
            <Detail term="Status">
              <ClientStatusBadge status={c.status} />
            </Detail>
            <Detail term="Authentication">{authMethodLabel(c.token_endpoint_auth_method)}</Detail>
            <Detail term="Scopes">
              <ScopeList scope={c.scope} />
            </Detail>
            <Detail term="Registered">{formatDateTime(c.created_at)}</Detail>
            {c.description && <Detail term="Description">{c.description}</Detail>}
          </SimpleGrid>
        </Paper>
        <Anchor component={Link} to="/portal/clients" size="sm">
          Back to my clients
        </Anchor>
      </Stack>

      <ConfirmModal
        opened={confirmRotate && !rotation.data}
        title="Issue a new secret"
        confirmLabel="Issue new secret"
        color="orange"
        pending={rotation.isPending}
        error={rotation.error}
        errorTitle="Could not issue a new secret"
        onCancel={closeRotate}
        onConfirm={() => rotation.mutate(c.client_id)}
      >
        <Text>The current secret stops working at once: every system using it must be given the new one.</Text>
      </ConfirmModal>
      <Modal opened={Boolean(rotation.data)} onClose={closeRotate} title="New client secret" centered size="lg">
        {rotation.data && (
          <Stack gap="md">
            <ClientSecretReveal clientId={rotation.data.client_id} clientSecret={rotation.data.client_secret} />
            <Group justify="flex-end">
              <Button onClick={closeRotate}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <ConfirmModal
        opened={confirmDelete}
        title="Delete client"
        confirmLabel="Delete client"
        pending={deletion.isPending}
        error={deletion.error}
        errorTitle="Could not delete the client"
        onCancel={() => {
          deletion.reset();
          setConfirmDelete(false);
        }}
        onConfirm={() =>
          deletion.mutate(c.client_id, {
            onSuccess: () => {
              queryClient.removeQueries({ queryKey: portalKeys.client(c.client_id) });
              navigate('/portal/clients', { replace: true });
            },
          })
        }
      >
        <Text>
          Delete <strong>{c.client_name}</strong>? Its tokens stop working at once. This cannot be undone.
        </Text>
      </ConfirmModal>
    </>
  );
}
