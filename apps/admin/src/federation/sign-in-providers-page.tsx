import { Badge, Button, Code, CopyButton, EmptyState, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../app/confirm-modal';
import { PageHeader } from '../app/page-header';
import { Notice, QueryStates } from '../app/query-states';
import type { IdentityProvider } from '@ccri/contracts';
import { AUDIENCE_LABELS } from './federation-api';
import { IdentityProviderModal } from './identity-provider-modal';
import { useDeleteIdentityProvider, useIdentityProviders } from './identity-providers-queries';

function CallbackUrl({ url }: { url: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }}>{url}</Code>
      <CopyButton value={url} timeout={2000}>
        {({ copied, copy }) => (
          <Button
            size="compact-xs"
            variant={copied ? 'filled' : 'default'}
            color={copied ? 'teal' : undefined}
            onClick={copy}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/**
 * External OpenID providers (Google, Microsoft Entra ID, NHS login…) people, developers and administrators may sign
 * in with. Each shows the callback URL to register with the provider; client secrets are never shown.
 */
export function SignInProvidersPage() {
  const providers = useIdentityProviders();
  const remove = useDeleteIdentityProvider();
  const [editing, setEditing] = useState<IdentityProvider | null>(null);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<IdentityProvider | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Sign-in providers"
        description="OpenID Connect providers people, developers and administrators can sign in with."
        actions={<Button onClick={() => setAdding(true)}>Add provider</Button>}
      />
      <Stack gap="md">
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        <QueryStates query={providers} loading="Loading sign-in providers…" failed="Could not load sign-in providers">
          {(data) =>
            data.length === 0 ? (
              <EmptyState
                py="xl"
                title="No sign-in providers"
                description="Add one so people can sign in with an identity they already have, such as Google or Microsoft Entra ID."
              />
            ) : (
              <Table.ScrollContainer minWidth={860} type="native">
                <Table striped verticalSpacing="sm" aria-label="Sign-in providers">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Name</Table.Th>
                      <Table.Th scope="col">Issuer and client</Table.Th>
                      <Table.Th scope="col">Who signs in</Table.Th>
                      <Table.Th scope="col">Callback URL to give the provider</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {p.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {p.id}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" style={{ wordBreak: 'break-all' }}>
                            {p.issuer}
                          </Text>
                          <Text size="xs" c="dimmed">
                            Client ID {p.client_id}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {p.audiences.map((a) => (
                              <Badge key={a} variant="light" tt="none">
                                {AUDIENCE_LABELS[a]}
                              </Badge>
                            ))}
                          </Group>
                          {p.admin_allow_list.length > 0 && (
                            <Text size="xs" c="dimmed">
                              Administrators: {p.admin_allow_list.join(', ')}
                            </Text>
                          )}
                          {p.allowed_domains.length > 0 && (
                            <Text size="xs" c="dimmed">
                              Domains: {p.allowed_domains.join(', ')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <CallbackUrl url={p.callback_url} />
                        </Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap" justify="flex-end">
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setEditing(p)}
                              aria-label={`Edit ${p.name}`}
                            >
                              Edit
                            </Button>
                            <Button
                              size="xs"
                              variant="light"
                              color="red"
                              onClick={() => {
                                remove.reset();
                                setDeleting(p);
                              }}
                              aria-label={`Delete ${p.name}`}
                            >
                              Delete
                            </Button>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStates>
      </Stack>
      <IdentityProviderModal
        provider={editing}
        adding={adding}
        onClose={() => {
          setEditing(null);
          setAdding(false);
        }}
        onSaved={(saved) => setNotice(`Saved ${saved.name}. Give the provider the callback URL shown below.`)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'provider'}?`}
        confirmLabel="Delete provider"
        pending={remove.isPending}
        error={remove.error}
        errorTitle="Could not delete the provider"
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setNotice(`Deleted ${deleting.name}.`);
              setDeleting(null);
            },
          })
        }
      >
        <Text size="sm">
          Nobody can sign in with {deleting?.name} any more. Accounts linked to it stay, and can still sign in another
          way.
        </Text>
      </ConfirmModal>
    </>
  );
}
