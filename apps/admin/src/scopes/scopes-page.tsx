import { DEFAULT_PUBLIC_RESOURCE_TYPES, type ScopeCatalogEntry } from '@ccri/contracts';
import {
  Badge,
  Button,
  Code,
  EmptyState,
  Group,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
  em,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { PageHeader } from '../app/page-header';
import { Notice, QueryStates } from '../app/query-states';
import { EditScopeModal } from './edit-scope-modal';
import { useScopeCatalog } from './scopes-queries';

const COMPACT = `(max-width: ${em(767)})`;

function ResourceTypes({ types }: { types: string[] }) {
  if (types.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {types.map((t) => (
        <Badge key={t} variant="outline" color="gray" tt="none">
          {t === '*' ? 'every type' : t}
        </Badge>
      ))}
    </Group>
  );
}

function SelfService({ entry }: { entry: ScopeCatalogEntry }) {
  return entry.self_service ? (
    <Badge color="teal" variant="light" miw="max-content">
      self-service
    </Badge>
  ) : (
    <Text size="sm" c="dimmed">
      administrators only
    </Text>
  );
}

function matches(entry: ScopeCatalogEntry, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  return (
    !f ||
    entry.scope.toLowerCase().includes(f) ||
    entry.description.toLowerCase().includes(f) ||
    entry.resource_types.some((t) => t.toLowerCase().includes(f))
  );
}

/** The scope catalog: what each scope means, what it reaches, and whether integrators may pick it themselves. */
export function ScopesPage() {
  const catalog = useScopeCatalog();
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });
  const [filter, setFilter] = useState('');
  const [selfServiceOnly, setSelfServiceOnly] = useState(false);
  const [editing, setEditing] = useState<ScopeCatalogEntry | null>(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const entries = (catalog.data ?? []).filter((e) => matches(e, filter) && (!selfServiceOnly || e.self_service));
  const editButton = (entry: ScopeCatalogEntry) => (
    <Button size="xs" variant="default" onClick={() => setEditing(entry)} aria-label={`Edit ${entry.scope}`}>
      Edit
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Scopes"
        description="The SMART scopes clients can be allowed, and which of them integrators may pick for themselves."
        actions={<Button onClick={() => setAdding(true)}>Add scope</Button>}
      />
      <Stack gap="md">
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="Filter scopes"
            placeholder="Scope, description or resource type"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            flex="1 1 240px"
            maw={480}
          />
          <Switch
            label="Self-service only"
            checked={selfServiceOnly}
            onChange={(e) => setSelfServiceOnly(e.currentTarget.checked)}
            mb={8}
          />
        </Group>

        <QueryStates query={catalog} loading="Loading the scope catalog…" failed="Could not load the scope catalog">
          {(data) =>
            entries.length === 0 ? (
              <EmptyState
                py="xl"
                title={data.length === 0 ? 'The catalog is empty' : 'No matching scopes'}
                description={
                  data.length === 0
                    ? 'Add a scope to describe it for administrators and integrators.'
                    : 'Try other words, or show every scope.'
                }
              />
            ) : compact ? (
              <Stack component="ul" aria-label="Scopes" gap="sm" m={0} p={0} style={{ listStyle: 'none' }}>
                {entries.map((entry) => (
                  <Paper component="li" key={entry.scope} withBorder radius="md" p="sm">
                    <Stack gap={6}>
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Code style={{ wordBreak: 'break-all' }}>{entry.scope}</Code>
                        {editButton(entry)}
                      </Group>
                      {entry.description && <Text size="sm">{entry.description}</Text>}
                      <ResourceTypes types={entry.resource_types} />
                      <SelfService entry={entry} />
                    </Stack>
                  </Paper>
                ))}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={760} type="native">
                <Table striped highlightOnHover verticalSpacing="sm" aria-label="Scopes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Scope</Table.Th>
                      <Table.Th scope="col">Description</Table.Th>
                      <Table.Th scope="col">Resource types</Table.Th>
                      <Table.Th scope="col">Registration</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {entries.map((entry) => (
                      <Table.Tr key={entry.scope}>
                        <Table.Td>
                          <Code style={{ whiteSpace: 'nowrap' }}>{entry.scope}</Code>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{entry.description || '—'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <ResourceTypes types={entry.resource_types} />
                        </Table.Td>
                        <Table.Td>
                          <SelfService entry={entry} />
                        </Table.Td>
                        <Table.Td ta="right">{editButton(entry)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStates>

        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Title order={2} size="h4" mb={4}>
            Public resource types
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Readable with any valid token, even one holding only <Code>profile</Code> (the CCRI’s “publicly available
            information”). The server’s <Code>PUBLIC_RESOURCE_TYPES</Code> setting decides them; by default they are:
          </Text>
          <ResourceTypes types={[...DEFAULT_PUBLIC_RESOURCE_TYPES]} />
        </Paper>
      </Stack>

      <EditScopeModal
        entry={editing}
        adding={adding}
        onClose={() => {
          setEditing(null);
          setAdding(false);
        }}
        onSaved={(entry) => setNotice(`Saved ${entry.scope}.`)}
      />
    </>
  );
}
