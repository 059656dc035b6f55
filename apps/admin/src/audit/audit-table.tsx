import type { AuditOutcome, AuditRecord } from '@ccri/contracts';
import {
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  VisuallyHidden,
  em,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { formatDateTime } from '../app/format';

const COMPACT = `(max-width: ${em(767)})`;
const OUTCOME_COLORS: Record<AuditOutcome, string> = { success: 'green', denied: 'red', error: 'orange' };

export function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return (
    <Badge color={OUTCOME_COLORS[outcome]} variant="light" miw="max-content">
      {outcome}
    </Badge>
  );
}

function resource(record: AuditRecord): string {
  if (record.resource_type && record.resource_id) return `${record.resource_type}/${record.resource_id}`;
  return record.resource_type ?? record.resource_id ?? '';
}

function DetailsButton({ record, onOpen }: { record: AuditRecord; onOpen: (record: AuditRecord) => void }) {
  return (
    <Button
      size="xs"
      variant="default"
      onClick={() => onOpen(record)}
      aria-label={`Details of ${record.action} at ${formatDateTime(record.recorded_at)}`}
    >
      Details
    </Button>
  );
}

/** The audit records of one page: a table on a laptop, a card each on a phone. */
export function AuditTable({ records, onOpen }: { records: AuditRecord[]; onOpen: (record: AuditRecord) => void }) {
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });

  if (compact) {
    return (
      <Stack component="ul" aria-label="Audit records" gap="sm" m={0} p={0} style={{ listStyle: 'none' }}>
        {records.map((r) => (
          <Paper component="li" key={r.id} withBorder radius="md" p="sm">
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
                    {r.action}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(r.recorded_at)} · {r.category}
                  </Text>
                </div>
                <OutcomeBadge outcome={r.outcome} />
              </Group>
              {(r.client_id || r.actor) && (
                <Text size="xs" style={{ wordBreak: 'break-all' }}>
                  {r.client_id ?? r.actor}
                </Text>
              )}
              <Group justify="space-between">
                <Text size="xs" c="dimmed">
                  HTTP {r.status}
                  {r.reason ? ` · ${r.reason}` : ''}
                </Text>
                <DetailsButton record={r} onOpen={onOpen} />
              </Group>
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }

  return (
    <Table.ScrollContainer minWidth={900} type="native">
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Audit records">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">Outcome</Table.Th>
            <Table.Th scope="col">Client or actor</Table.Th>
            <Table.Th scope="col">Resource</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm">{formatDateTime(r.recorded_at)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {r.action}
                </Text>
                <Text size="xs" c="dimmed">
                  {r.category}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <OutcomeBadge outcome={r.outcome} />
                  <Text size="xs" c="dimmed">
                    {r.status}
                  </Text>
                </Group>
                {r.reason && (
                  <Text size="xs" c="dimmed">
                    {r.reason}
                  </Text>
                )}
              </Table.Td>
              <Table.Td maw={240}>
                <Text size="sm" truncate="end" title={r.client_id ?? r.actor ?? undefined}>
                  {r.client_id ?? r.actor ?? '—'}
                </Text>
                {r.client_id && r.actor && (
                  <Text size="xs" c="dimmed" truncate="end">
                    {r.actor}
                  </Text>
                )}
              </Table.Td>
              <Table.Td maw={220}>
                <Text size="sm" truncate="end" title={resource(r) || undefined}>
                  {resource(r) || '—'}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <DetailsButton record={r} onOpen={onOpen} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed" fw={500}>
        {term}
      </Text>
      <Text component="dd" size="sm" m={0} style={{ wordBreak: 'break-word' }}>
        {children ?? '—'}
      </Text>
    </div>
  );
}

/** Everything one audit record holds. */
export function AuditDetailDrawer({ record, onClose }: { record: AuditRecord | null; onClose: () => void }) {
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });
  return (
    <Drawer
      opened={record !== null}
      onClose={onClose}
      title="Audit record"
      position="right"
      size={compact ? '100%' : 'md'}
      closeButtonProps={{ 'aria-label': 'Close details' }}
    >
      {record && (
        <SimpleGrid component="dl" cols={1} spacing="sm" m={0}>
          <Field term="Time">{formatDateTime(record.recorded_at)}</Field>
          <Field term="Category">{record.category}</Field>
          <Field term="Action">{record.action}</Field>
          <Field term="Outcome">
            <OutcomeBadge outcome={record.outcome} /> HTTP {record.status}
          </Field>
          <Field term="Reason">{record.reason}</Field>
          <Field term="Client">{record.client_id && <Code>{record.client_id}</Code>}</Field>
          <Field term="Actor">{record.actor}</Field>
          <Field term="Resource">{resource(record) || null}</Field>
          <Field term="Scope">{record.scope && <Code style={{ whiteSpace: 'pre-wrap' }}>{record.scope}</Code>}</Field>
          <Field term="Address">{record.ip}</Field>
          <Field term="Request ID">
            <Code>{record.request_id}</Code>
          </Field>
          <Field term="Record ID">
            <Code>{record.id}</Code>
          </Field>
        </SimpleGrid>
      )}
    </Drawer>
  );
}
