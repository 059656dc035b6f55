import type { Client } from '@ccri/contracts';
import {
  ActionIcon,
  Anchor,
  Code,
  Group,
  Menu,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  VisuallyHidden,
  em,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link } from 'react-router';
import { usesSecret } from './auth-methods';
import { ClientStatusBadge, DemoClientBadge } from './client-status-badge';
import { ScopeList } from './scope-list';

export interface ClientsTableProps {
  clients: Client[];
  /** The client whose enabled flag is being saved, if any. */
  savingClientId?: string | null;
  onEnabledChange: (client: Client, enabled: boolean) => void;
  onRotateSecret: (client: Client) => void;
  onDelete: (client: Client) => void;
  onApprove: (client: Client) => void;
  onReject: (client: Client) => void;
}

type RowProps = Omit<ClientsTableProps, 'clients'> & { client: Client };

const displayName = (client: Client) => client.client_name || client.client_id;

function DotsIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <circle cx="5" cy="12" r="2" />
      <circle cx="12" cy="12" r="2" />
      <circle cx="19" cy="12" r="2" />
    </svg>
  );
}

function EnabledSwitch({ client, savingClientId, onEnabledChange, label }: RowProps & { label?: string }) {
  return (
    <Switch
      checked={client.enabled}
      disabled={savingClientId === client.client_id}
      onChange={(e) => onEnabledChange(client, e.currentTarget.checked)}
      label={label}
      aria-label={`Enabled: ${displayName(client)}`}
    />
  );
}

const clientPath = (client: Client) => `/clients/${encodeURIComponent(client.client_id)}`;

/** The client's name, linking to its page (settings, approval). */
function ClientName({ client }: { client: Client }) {
  return (
    <Anchor component={Link} to={clientPath(client)} fw={500} size="sm">
      {displayName(client)}
    </Anchor>
  );
}

function Origin({ client }: { client: Client }) {
  if (client.registered_by !== 'portal' && client.registered_by !== 'dynamic') return null;
  return (
    <Text size="xs" c="dimmed">
      {client.registered_by === 'portal' ? 'Registered in the developer portal' : 'Registered dynamically'}
    </Text>
  );
}

function ClientMenu({ client, onRotateSecret, onDelete, onApprove, onReject }: RowProps) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Actions for ${displayName(client)}`}>
          <DotsIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to={clientPath(client)}>
          Edit…
        </Menu.Item>
        {client.status !== 'active' && <Menu.Item onClick={() => onApprove(client)}>Approve</Menu.Item>}
        {client.status === 'pending' && <Menu.Item onClick={() => onReject(client)}>Reject…</Menu.Item>}
        {usesSecret(client.token_endpoint_auth_method) && (
          <Menu.Item onClick={() => onRotateSecret(client)}>Rotate secret…</Menu.Item>
        )}
        <Menu.Item color="red" onClick={() => onDelete(client)}>
          Delete…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** Below this width a row per client no longer fits: each client becomes a card. */
const COMPACT = `(max-width: ${em(767)})`;

export function ClientsTable({ clients, ...rowProps }: ClientsTableProps) {
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });

  if (compact) {
    return (
      <Stack component="ul" aria-label="Clients" gap="sm" m={0} p={0} style={{ listStyle: 'none' }}>
        {clients.map((client) => (
          <Paper component="li" key={client.client_id} withBorder radius="md" p="sm">
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <ClientName client={client} />
                  <div>
                    <Code style={{ wordBreak: 'break-all' }}>{client.client_id}</Code>
                  </div>
                  <Origin client={client} />
                </div>
                <ClientMenu client={client} {...rowProps} />
              </Group>
              {client.description && (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {client.description}
                </Text>
              )}
              <ScopeList scope={client.scope} />
              <Group justify="space-between">
                <EnabledSwitch client={client} {...rowProps} label="Enabled" />
                <Group gap={4} wrap="nowrap">
                  <DemoClientBadge client={client} />
                  <ClientStatusBadge status={client.status} />
                </Group>
              </Group>
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }

  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table striped highlightOnHover verticalSpacing="sm" aria-label="Clients">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Client ID</Table.Th>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Scopes</Table.Th>
            <Table.Th scope="col">Enabled</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clients.map((client) => (
            <Table.Tr key={client.client_id}>
              <Table.Td>
                <Code style={{ whiteSpace: 'nowrap' }}>{client.client_id}</Code>
              </Table.Td>
              <Table.Td>
                <ClientName client={client} />
                <Origin client={client} />
                {client.description && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {client.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td maw={360}>
                <ScopeList scope={client.scope} />
              </Table.Td>
              <Table.Td>
                <EnabledSwitch client={client} {...rowProps} />
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <DemoClientBadge client={client} />
                  <ClientStatusBadge status={client.status} />
                </Group>
              </Table.Td>
              <Table.Td ta="right">
                <ClientMenu client={client} {...rowProps} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
