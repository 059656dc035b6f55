import type { CreatedClient } from '@ccri/contracts';
import { Alert, Button, Group, Paper, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../app/page-header';
import { ClientSecretReveal } from './client-secret-reveal';
import { ClientForm } from './client-form';
import { EMPTY_CLIENT, toCreateClientRequest } from './client-form-model';
import { useCreateClient } from './clients-queries';

export function NewClientPage() {
  const navigate = useNavigate();
  const creation = useCreateClient();
  // Held only in this component's state: the secret is never cached, stored or put in the URL.
  const [created, setCreated] = useState<CreatedClient | null>(null);

  if (created) {
    return (
      <>
        <PageHeader key="created" title="Client created" description={created.client_name} />
        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Stack gap="lg">
            {created.client_secret ? (
              <ClientSecretReveal clientId={created.client_id} clientSecret={created.client_secret} />
            ) : (
              <Alert color="blue" variant="light">
                Client <code>{created.client_id}</code> was created. It authenticates without a shared secret.
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setCreated(null)}>
                Create another
              </Button>
              <Button component={Link} to="/clients">
                Back to clients
              </Button>
            </Group>
          </Stack>
        </Paper>
      </>
    );
  }

  return (
    <>
      <PageHeader
        key="new"
        title="New client"
        description="Register a system or app that requests tokens from this server."
      />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
        <ClientForm
          ariaLabel="New client"
          initial={EMPTY_CLIENT}
          submitLabel="Create client"
          errorTitle="Could not create the client"
          onSubmit={(values) => creation.mutateAsync(toCreateClientRequest(values)).then(setCreated)}
          onCancel={() => navigate('/clients')}
        />
      </Paper>
    </>
  );
}
