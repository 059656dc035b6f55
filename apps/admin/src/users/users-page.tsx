import { END_USER_ROLES, type EndUser, type EndUserRole } from '@ccri/contracts';
import {
  Anchor,
  Badge,
  Box,
  Button,
  CloseButton,
  Code,
  EmptyState,
  Group,
  NativeSelect,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { LinkedIdentities } from '../federation/linked-identities';
import { PageHeader } from '../app/page-header';
import { Notice, QueryStates } from '../app/query-states';
import { useUserList } from './users-queries';

export const USERS_PAGE_SIZE = 20;

export const ROLE_LABELS: Record<EndUserRole, string> = { patient: 'Patient', practitioner: 'Practitioner' };

function readRole(value: string | null): EndUserRole | undefined {
  return (END_USER_ROLES as readonly string[]).includes(value ?? '') ? (value as EndUserRole) : undefined;
}

function readPage(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return (
    <Badge color={enabled ? 'green' : 'gray'} variant="light" miw="max-content">
      {enabled ? 'enabled' : 'disabled'}
    </Badge>
  );
}

const userPath = (user: EndUser) => `/users/${encodeURIComponent(user.id)}`;

/** The people who sign in to SMART apps. Search, role and page live in the URL, as on the client list. */
export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const role = readRole(params.get('role'));
  const page = readPage(params.get('page'));
  const [searchInput, setSearchInput] = useState(search);
  const [debouncedSearch] = useDebouncedValue(searchInput.trim(), 300);

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
    if (debouncedSearch !== search) update({ search: debouncedSearch, page: undefined }, { replace: true });
  }, [debouncedSearch]);
  useEffect(() => {
    if (search !== debouncedSearch) setSearchInput(search);
  }, [search]);

  const list = useUserList({ search: search || undefined, role, page, limit: USERS_PAGE_SIZE });
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const filtered = Boolean(search || role);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        description="Patients and practitioners who sign in to SMART apps."
        actions={
          <Button component={Link} to="/users/new">
            New user
          </Button>
        }
      />
      <Stack gap="md">
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Search users"
            placeholder="Username, name or email"
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
            label="Role"
            value={role ?? ''}
            onChange={(e) => update({ role: e.currentTarget.value || undefined, page: undefined })}
            data={[
              { value: '', label: 'Any role' },
              ...END_USER_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
            ]}
            w={{ base: '100%', xs: 180 }}
          />
        </Group>

        <QueryStates query={list} loading="Loading users…" failed="Could not load users">
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState
                py="xl"
                title={filtered ? 'No matching users' : 'No users yet'}
                description={
                  filtered
                    ? 'No user matches this search. Try other words or another role.'
                    : 'Create a user so a patient or practitioner can sign in to apps.'
                }
              />
            ) : (
              <>
                <Box pos="relative" aria-busy={list.isFetching}>
                  <Table.ScrollContainer minWidth={900} type="native">
                    <Table striped highlightOnHover verticalSpacing="sm" aria-label="Users">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">Username</Table.Th>
                          <Table.Th scope="col">Name</Table.Th>
                          <Table.Th scope="col">Role</Table.Th>
                          <Table.Th scope="col">FHIR resource</Table.Th>
                          <Table.Th scope="col">Status</Table.Th>
                          <Table.Th scope="col">Linked sign-ins</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {data.items.map((user) => (
                          <Table.Tr key={user.id}>
                            <Table.Td>
                              <Anchor component={Link} to={userPath(user)} fw={500} size="sm">
                                {user.username}
                              </Anchor>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{user.display_name}</Text>
                              {user.email && (
                                <Text size="xs" c="dimmed">
                                  {user.email}
                                </Text>
                              )}
                            </Table.Td>
                            <Table.Td>{ROLE_LABELS[user.role]}</Table.Td>
                            <Table.Td>
                              <Code>{user.fhir_user}</Code>
                            </Table.Td>
                            <Table.Td>
                              <EnabledBadge enabled={user.enabled} />
                            </Table.Td>
                            <Table.Td>
                              <LinkedIdentities user={user} onUnlinked={setNotice} />
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Box>
                <Group justify="space-between" gap="sm" wrap="wrap">
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {total} {total === 1 ? 'user' : 'users'}
                  </Text>
                  <Box component="nav" aria-label="User list pages">
                    <Pagination
                      total={pages}
                      value={Math.min(page, pages)}
                      onChange={(p) => update({ page: p > 1 ? String(p) : undefined })}
                      hideWithOnePage
                      size="sm"
                      getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                    />
                  </Box>
                </Group>
              </>
            )
          }
        </QueryStates>
      </Stack>
    </>
  );
}
