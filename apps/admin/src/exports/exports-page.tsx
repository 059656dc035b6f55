import type { BulkExportJob } from '@ccri/contracts';
import { Anchor, Badge, Button, CloseButton, Code, EmptyState, Stack, Table, Text, TextInput } from '@mantine/core';
import { Link } from 'react-router';
import { useDebouncedSearchParam } from '../app/use-debounced-search-param';
import { formatDateTime, shortId } from '../app/format';
import { PageHeader } from '../app/page-header';
import { QueryStates } from '../app/query-states';
import { useExportJobs } from './exports-queries';

const STATUS_COLOR: Record<BulkExportJob['status'], string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
};

const LEVEL: Record<BulkExportJob['level'], string> = {
  system: 'System',
  patient: 'All patients',
  group: 'Group',
};

function What({ job }: { job: BulkExportJob }) {
  return (
    <Stack gap={2}>
      <Text size="sm">
        {LEVEL[job.level]}
        {job.group_id && (
          <>
            {' '}
            <Code>{job.group_id}</Code>
          </>
        )}
      </Text>
      <Text size="xs" c="dimmed">
        {job.types.length > 0 ? job.types.join(', ') : 'Every type the token may read'}
      </Text>
    </Stack>
  );
}

/** FHIR Bulk Data exports ($export) of backend clients, newest first, with their progress. */
export function ExportsPage() {
  const [clientId, input, setInput] = useDebouncedSearchParam('client_id');

  const jobs = useExportJobs(clientId || undefined);
  const items = jobs.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Bulk exports"
        description="FHIR Bulk Data exports ($export) started by backend clients, and how far each has got. Files are deleted when a job expires."
        actions={
          <Button
            variant="default"
            size="xs"
            onClick={() => jobs.refetch()}
            loading={jobs.isFetching && !jobs.isPending}
          >
            Refresh
          </Button>
        }
      />
      <Stack gap="md">
        <TextInput
          label="Client ID"
          placeholder="All clients"
          value={input}
          onChange={(e) => setInput(e.currentTarget.value)}
          rightSection={
            input ? <CloseButton aria-label="Show every client" size="sm" onClick={() => setInput('')} /> : null
          }
          maw={420}
          spellCheck={false}
          autoComplete="off"
        />
        <QueryStates query={jobs} loading="Loading export jobs…" failed="Could not load export jobs">
          {() =>
            items.length === 0 ? (
              <EmptyState
                py="lg"
                title={clientId ? 'This client has no export jobs' : 'No export jobs'}
                description="Jobs show here from their kick-off until they expire."
              />
            ) : (
              <Table.ScrollContainer minWidth={860} type="native">
                <Table striped verticalSpacing="sm" aria-label="Export jobs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Started</Table.Th>
                      <Table.Th scope="col">Client</Table.Th>
                      <Table.Th scope="col">Export</Table.Th>
                      <Table.Th scope="col">Status</Table.Th>
                      <Table.Th scope="col">Progress</Table.Th>
                      <Table.Th scope="col">Resources</Table.Th>
                      <Table.Th scope="col">Files</Table.Th>
                      <Table.Th scope="col">Expires</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((job) => (
                      <Table.Tr key={job.id}>
                        <Table.Td>
                          <Text size="sm">{formatDateTime(job.created_at)}</Text>
                          <Text size="xs" c="dimmed" title={job.id}>
                            Job <Code>{shortId(job.id, 8)}</Code>
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={`/clients/${encodeURIComponent(job.client_id)}`} size="sm">
                            {job.client_id}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <What job={job} />
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_COLOR[job.status]} variant="light">
                            {job.status}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{job.error ?? job.progress ?? '—'}</Text>
                        </Table.Td>
                        <Table.Td>{job.resource_count.toLocaleString()}</Table.Td>
                        <Table.Td>{job.file_count}</Table.Td>
                        <Table.Td>{formatDateTime(job.expires_at)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStates>
      </Stack>
    </>
  );
}
