import type { CreatedClient } from '@ccri/contracts';
import { Alert, Button, Code, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../app/page-header';
import { QueryStates } from '../app/query-states';
import { ClientSecretReveal } from '../clients/client-secret-reveal';
import { PORTAL_SITE } from './portal-auth-frame';
import { PortalClientForm } from './portal-client-form';
import { useRegistrationInfo } from './portal-queries';

/** "+ New Client" in the portal: the form while registration is open, then the new client's secret, once. */
export function PortalNewClientPage() {
  const info = useRegistrationInfo();
  // Held only in this component's state: the secret is never cached, stored or put in the URL.
  const [created, setCreated] = useState<CreatedClient | null>(null);

  if (created) {
    return (
      <>
        <PageHeader key="created" site={PORTAL_SITE} title="Client registered" description={created.client_name} />
        <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
          <Stack gap="lg">
            {created.status === 'pending' && (
              <Alert color="yellow" variant="light" role="note" title="Waiting for approval">
                An administrator must approve this client before it can get tokens. Keep the secret meanwhile.
              </Alert>
            )}
            {created.client_secret ? (
              <ClientSecretReveal clientId={created.client_id} clientSecret={created.client_secret} />
            ) : (
              <Alert color="blue" variant="light" role="note">
                Client <Code>{created.client_id}</Code> is registered. It authenticates with your signed assertions,
                without a shared secret.
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCreated(null)}>
                Register another
              </Button>
              <Button component={Link} to="/portal/clients">
                Back to my clients
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
        site={PORTAL_SITE}
        title="New client"
        description="Register a system that requests tokens with the client credentials grant."
      />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" maw={720}>
        <QueryStates
          query={info}
          loading="Loading what you may register…"
          failed="Could not load the registration settings"
        >
          {(data) =>
            data.policy === 'closed' ? (
              <Alert color="gray" variant="light" role="alert" title="Registration is closed">
                <Stack gap="xs" align="flex-start">
                  <Text size="sm">
                    This server does not accept new clients from the portal at the moment. Ask an administrator for a
                    client.
                  </Text>
                  <Button component={Link} to="/portal/clients" variant="light" size="xs">
                    Back to my clients
                  </Button>
                </Stack>
              </Alert>
            ) : (
              <Stack gap="md">
                {data.policy === 'open-with-approval' && (
                  <Alert color="blue" variant="light" role="note">
                    New clients wait for an administrator’s approval before they can get tokens.
                  </Alert>
                )}
                <PortalClientForm info={data} onCreated={setCreated} />
              </Stack>
            )
          }
        </QueryStates>
      </Paper>
    </>
  );
}
