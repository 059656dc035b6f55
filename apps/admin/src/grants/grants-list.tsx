import type { AuthorizationGrant } from '@ccri/contracts';
import { Anchor, Badge, Button, Code, EmptyState, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../app/confirm-modal';
import { formatDateTime } from '../app/format';
import { Notice, QueryStates } from '../app/query-states';
import { ScopeList } from '../clients/scope-list';
import type { GrantQuery } from './grants-api';
import { useGrants, useRevokeGrant } from './grants-queries';

const KIND: Record<AuthorizationGrant['kind'], { label: string; color: string }> = {
  offline: { label: 'offline', color: 'blue' },
  online: { label: 'online', color: 'teal' },
  consent: { label: 'consent only', color: 'gray' },
};

const clientName = (grant: AuthorizationGrant) => grant.client_name || grant.client_id;

interface GrantsListProps {
  query: GrantQuery;
  /** Hides the person column where every grant is the same person's. */
  showUser?: boolean;
  emptyTitle: string;
  emptyDescription: string;
}

/**
 * What people allowed apps to do for them (remembered consents and the refresh-token grants carrying them). Revoking
 * one ends every token issued under it.
 */
export function GrantsList({ query, showUser = true, emptyTitle, emptyDescription }: GrantsListProps) {
  const grants = useGrants(query);
  const revocation = useRevokeGrant();
  const [revoking, setRevoking] = useState<AuthorizationGrant | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const close = () => {
    revocation.reset();
    setRevoking(null);
  };

  return (
    <Stack gap="md">
      {notice && (
        <Notice tone="success" onClose={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      <QueryStates query={grants} loading="Loading grants…" failed="Could not load grants">
        {(data) =>
          data.length === 0 ? (
            <EmptyState py="lg" title={emptyTitle} description={emptyDescription} />
          ) : (
            <Table.ScrollContainer minWidth={820} type="native">
              <Table striped verticalSpacing="sm" aria-label="Grants">
                <Table.Thead>
                  <Table.Tr>
                    {showUser && <Table.Th scope="col">Person</Table.Th>}
                    <Table.Th scope="col">App</Table.Th>
                    <Table.Th scope="col">Scopes</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Created</Table.Th>
                    <Table.Th scope="col">Last used</Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((grant) => (
                    <Table.Tr key={grant.id}>
                      {showUser && (
                        <Table.Td>
                          <Anchor component={Link} to={`/users/${encodeURIComponent(grant.user_id)}`} size="sm">
                            {grant.username}
                          </Anchor>
                        </Table.Td>
                      )}
                      <Table.Td>
                        <Anchor component={Link} to={`/clients/${encodeURIComponent(grant.client_id)}`} size="sm">
                          {clientName(grant)}
                        </Anchor>
                        {grant.patient && (
                          <Text size="xs" c="dimmed">
                            Patient <Code>{grant.patient}</Code>
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td maw={320}>
                        <ScopeList scope={grant.scope} />
                      </Table.Td>
                      <Table.Td>
                        <Badge color={KIND[grant.kind].color} variant="light" miw="max-content">
                          {KIND[grant.kind].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(grant.created_at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{grant.last_used_at ? formatDateTime(grant.last_used_at) : 'Never'}</Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          onClick={() => setRevoking(grant)}
                          aria-label={`Revoke the grant of ${grant.username} to ${clientName(grant)}`}
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

      <ConfirmModal
        opened={revoking !== null}
        title="Revoke grant"
        confirmLabel="Revoke grant"
        pending={revocation.isPending}
        error={revocation.error}
        errorTitle="Could not revoke the grant"
        onCancel={close}
        onConfirm={() =>
          revoking &&
          revocation.mutate(revoking.id, {
            onSuccess: () => {
              setNotice(`Revoked what ${revoking.username} allowed ${clientName(revoking)}.`);
              close();
            },
          })
        }
      >
        <Text>
          Revoke what <strong>{revoking?.username}</strong> allowed <strong>{revoking && clientName(revoking)}</strong>?
          Its access and refresh tokens stop working at once, and the app must ask the person again.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
