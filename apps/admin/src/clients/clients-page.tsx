import { CLIENT_STATUSES, type Client, type ClientStatus } from '@ccri/contracts';
import {
  Alert,
  Box,
  Button,
  CloseButton,
  EmptyState,
  Group,
  NativeSelect,
  Pagination,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../api/api-error';
import { PageHeader } from '../app/page-header';
import { QueryStates } from '../app/query-states';
import { ClientsTable } from './clients-table';
import { useClientList, useDecideClient, usePendingClientCount, useSetClientEnabled } from './clients-queries';
import { DeleteClientModal } from './delete-client-modal';
import { RejectClientModal } from './reject-client-modal';
import { RotateSecretModal } from './rotate-secret-modal';

export const CLIENTS_PAGE_SIZE = 20;

function readStatus(value: string | null): ClientStatus | undefined {
  return (CLIENT_STATUSES as readonly string[]).includes(value ?? '') ? (value as ClientStatus) : undefined;
}

function readPage(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** The client list. Search, status and page live in the URL, so a view can be bookmarked and Back works. */
export function ClientsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const status = readStatus(params.get('status'));
  const page = readPage(params.get('page'));

  const [searchInput, setSearchInput] = useState(search);
  const [debouncedSearch] = useDebouncedValue(searchInput.trim(), 300);

  /** Typing replaces the history entry; choosing a status or a page adds one, so Back returns to it. */
  const update = (changes: Record<string, string | undefined>, { replace = false } = {}) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace },
    );

  useEffect(() => {
    // Only a settled change of the input touches the URL (and so the query).
    if (debouncedSearch !== search) update({ search: debouncedSearch, page: undefined }, { replace: true });
  }, [debouncedSearch]);

  useEffect(() => {
    // The URL changed under the input (Back, a link): show what is being searched.
    if (search !== debouncedSearch) setSearchInput(search);
  }, [search]);

  const list = useClientList({ search: search || undefined, status, page, limit: CLIENTS_PAGE_SIZE });
  const setEnabled = useSetClientEnabled();
  const approval = useDecideClient();
  const pendingCount = usePendingClientCount();
  const [rotating, setRotating] = useState<Client | null>(null);
  const [rejecting, setRejecting] = useState<Client | null>(null);
  const [deleting, setDeleting] = useState<Client | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / CLIENTS_PAGE_SIZE));
  const filtered = Boolean(search || status);
  const first = (page - 1) * CLIENTS_PAGE_SIZE + 1;

  // A page past the end (the last client of the last page was deleted, or an old link): go to the last page.
  const pastTheEnd = list.isSuccess && list.data.items.length === 0 && total > 0 && page > pages;
  useEffect(() => {
    if (pastTheEnd) update({ page: pages > 1 ? String(pages) : undefined }, { replace: true });
  }, [pastTheEnd, pages]);
  const last = first - 1 + (list.data?.items.length ?? 0);

  return (
    <>
      <PageHeader
        title="Clients"
        description="OAuth2 clients allowed to request tokens from this server."
        actions={
          <Button component={Link} to="/clients/new">
            New client
          </Button>
        }
      />

      <Stack gap="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Search clients"
            placeholder="Name or client ID"
            type="search"
            value={searchInput}
            onChange={(e) => setSearchInput(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') update({ search: searchInput.trim(), page: undefined }, { replace: true });
            }}
            rightSection={
              searchInput ? (
                <CloseButton aria-label="Clear search" onClick={() => setSearchInput('')} size="sm" />
              ) : null
            }
            flex="1 1 240px"
            maw={480}
          />
          <NativeSelect
            label="Status"
            value={status ?? ''}
            onChange={(e) => update({ status: e.currentTarget.value || undefined, page: undefined })}
            data={[
              { value: '', label: 'Any status' },
              ...CLIENT_STATUSES.map((s) => ({ value: s, label: s[0].toUpperCase() + s.slice(1) })),
            ]}
            w={{ base: '100%', xs: 180 }}
          />
          {status !== 'pending' && (pendingCount.data ?? 0) > 0 && (
            <Button variant="light" color="yellow" onClick={() => update({ status: 'pending', page: undefined })}>
              Pending approval ({pendingCount.data})
            </Button>
          )}
        </Group>

        {notice && (
          <Alert
            color="green"
            variant="light"
            role="status"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => setNotice(null)}
          >
            {notice}
          </Alert>
        )}
        {approval.isError && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            title="Could not approve the client"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => approval.reset()}
          >
            {errorMessage(approval.error)}
          </Alert>
        )}
        {setEnabled.isError && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            title="Could not change the client"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => setEnabled.reset()}
          >
            {errorMessage(setEnabled.error)}
          </Alert>
        )}

        <QueryStates query={list} loading="Loading clients…" failed="Could not load clients">
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState
                py="xl"
                title={filtered ? 'No matching clients' : 'No clients yet'}
                description={
                  filtered
                    ? 'No client matches this search. Try other words or another status.'
                    : 'Create a client to let a system request tokens.'
                }
              >
                {!filtered && (
                  <EmptyState.Actions>
                    <Button component={Link} to="/clients/new" variant="light">
                      New client
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            ) : (
              <>
                <Box pos="relative" aria-busy={list.isFetching}>
                  <ClientsTable
                    clients={data.items}
                    savingClientId={setEnabled.isPending ? setEnabled.variables?.clientId : null}
                    onEnabledChange={(client, enabled) => setEnabled.mutate({ clientId: client.client_id, enabled })}
                    onRotateSecret={setRotating}
                    onDelete={setDeleting}
                    onApprove={(client) =>
                      approval.mutate(
                        { clientId: client.client_id, decision: 'approve' },
                        { onSuccess: () => setNotice(`Approved ${client.client_name || client.client_id}.`) },
                      )
                    }
                    onReject={setRejecting}
                  />
                </Box>
                <Group justify="space-between" gap="sm" wrap="wrap">
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {first}–{last} of {total} {total === 1 ? 'client' : 'clients'}
                  </Text>
                  <Box component="nav" aria-label="Client list pages">
                    <Pagination
                      total={pages}
                      value={Math.min(page, pages)}
                      onChange={(p) => update({ page: p > 1 ? String(p) : undefined })}
                      hideWithOnePage
                      size="sm"
                      getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                      getControlProps={(control) => ({
                        'aria-label': `${control[0].toUpperCase()}${control.slice(1)} page`,
                      })}
                    />
                  </Box>
                </Group>
              </>
            )
          }
        </QueryStates>
      </Stack>

      <RotateSecretModal client={rotating} onClose={() => setRotating(null)} />
      <RejectClientModal
        client={rejecting}
        onClose={() => setRejecting(null)}
        onRejected={(client) => setNotice(`Rejected ${client.client_name || client.client_id}.`)}
      />
      <DeleteClientModal
        client={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(client) => setNotice(`Deleted ${client.client_name || client.client_id}.`)}
      />
    </>
  );
}
