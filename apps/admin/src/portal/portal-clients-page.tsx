import {
  Anchor,
  Box,
  Button,
  Code,
  EmptyState,
  Group,
  Pagination,
  Paper,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { formatDateTime } from '../app/format';
import { PageHeader } from '../app/page-header';
import { QueryStates } from '../app/query-states';
import { ClientStatusBadge } from '../clients/client-status-badge';
import { ScopeList } from '../clients/scope-list';
import { PORTAL_SITE } from './portal-auth-frame';
import { PORTAL_PAGE_SIZE, useMyClients } from './portal-queries';
import { usePortalSession } from './portal-session';

/** The signed-in integrator's clients, and theirs only. */
export function PortalClientsPage() {
  const { session } = usePortalSession();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const clients = useMyClients(page);
  const total = clients.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PORTAL_PAGE_SIZE));

  return (
    <>
      <PageHeader
        site={PORTAL_SITE}
        title="My clients"
        description={session ? `Clients registered by ${session.name} (${session.email}).` : undefined}
        actions={
          <Button component={Link} to="/portal/clients/new">
            + New Client
          </Button>
        }
      />
      <QueryStates query={clients} loading="Loading your clients…" failed="Could not load your clients">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState
              py="xl"
              title="You have no clients yet"
              description="Register a client to get the credentials your system uses to request tokens."
            >
              <EmptyState.Actions>
                <Button component={Link} to="/portal/clients/new" variant="light">
                  + New Client
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            <Stack gap="md">
              <SimpleGrid
                component="ul"
                aria-label="My clients"
                cols={{ base: 1, sm: 2 }}
                spacing="md"
                m={0}
                p={0}
                style={{ listStyle: 'none' }}
              >
                {data.items.map((client) => (
                  <Paper component="li" key={client.client_id} withBorder radius="md" p="md">
                    <Stack gap="xs">
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Anchor
                          component={Link}
                          to={`/portal/clients/${encodeURIComponent(client.client_id)}`}
                          fw={600}
                        >
                          {client.client_name}
                        </Anchor>
                        <ClientStatusBadge status={client.status} />
                      </Group>
                      <Code style={{ wordBreak: 'break-all' }}>{client.client_id}</Code>
                      <ScopeList scope={client.scope} />
                      {client.status === 'pending' && (
                        <Text size="xs" c="yellow.8">
                          Waiting for an administrator’s approval: it cannot get tokens yet.
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        Registered {formatDateTime(client.created_at)}
                      </Text>
                    </Stack>
                  </Paper>
                ))}
              </SimpleGrid>
              <Group justify="space-between" wrap="wrap">
                <Text size="sm" c="dimmed">
                  {total} {total === 1 ? 'client' : 'clients'}
                </Text>
                <Box component="nav" aria-label="Client list pages">
                  <Pagination
                    total={pages}
                    value={Math.min(page, pages)}
                    onChange={(p) => setParams(p > 1 ? { page: String(p) } : {})}
                    hideWithOnePage
                    size="sm"
                    getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                  />
                </Box>
              </Group>
            </Stack>
          )
        }
      </QueryStates>
    </>
  );
}
