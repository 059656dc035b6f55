import type { LiveToken } from '@ccri/contracts';
import {
  Anchor,
  Box,
  Button,
  CloseButton,
  Code,
  EmptyState,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
  em,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../app/confirm-modal';
import { useDebouncedSearchParam } from '../app/use-debounced-search-param';
import { formatDateTime, formatRelative, shortId } from '../app/format';
import { Notice, QueryStates } from '../app/query-states';
import { ScopeList } from '../clients/scope-list';
import { useLiveTokens, useRevokeClientTokens, useRevokeToken } from './tokens-queries';

const COMPACT = `(max-width: ${em(767)})`;

function Expiry({ token }: { token: LiveToken }) {
  return (
    <Tooltip label={formatDateTime(token.expires_at)}>
      <Text size="sm" component="span">
        {formatRelative(token.expires_at)}
      </Text>
    </Tooltip>
  );
}

/** Live access tokens, by client: revoke one, or every token of a client. */
export function LiveTokensSection() {
  const [clientId, input, setInput] = useDebouncedSearchParam('client_id');
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });

  const tokens = useLiveTokens(clientId || undefined);
  const revokeOne = useRevokeToken();
  const revokeAll = useRevokeClientTokens();
  const [revoking, setRevoking] = useState<LiveToken | null>(null);
  const [revokingAll, setRevokingAll] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const closeOne = () => {
    revokeOne.reset();
    setRevoking(null);
  };
  const closeAll = () => {
    revokeAll.reset();
    setRevokingAll(false);
  };

  const revokeButton = (token: LiveToken) => (
    <Button
      size="xs"
      color="red"
      variant="light"
      onClick={() => setRevoking(token)}
      aria-label={`Revoke token ${token.jti}`}
    >
      Revoke
    </Button>
  );
  const items = tokens.data?.items ?? [];

  return (
    <Box component="section" aria-labelledby="live-tokens-heading">
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
        <div>
          <Title order={2} size="h3" id="live-tokens-heading">
            Live tokens
          </Title>
          <Text size="sm" c="dimmed">
            Unexpired, unrevoked access tokens, newest first. A revoked token is refused everywhere within 2 seconds.
          </Text>
        </div>
        <Button
          variant="default"
          size="xs"
          onClick={() => tokens.refetch()}
          loading={tokens.isFetching && !tokens.isPending}
        >
          Refresh
        </Button>
      </Group>

      <Stack gap="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Client ID"
            placeholder="All clients"
            value={input}
            onChange={(e) => setInput(e.currentTarget.value)}
            rightSection={
              input ? <CloseButton aria-label="Show every client" size="sm" onClick={() => setInput('')} /> : null
            }
            flex="1 1 260px"
            maw={420}
            spellCheck={false}
            autoComplete="off"
          />
          {clientId && (
            <Button color="red" variant="light" onClick={() => setRevokingAll(true)} disabled={items.length === 0}>
              Revoke all tokens of this client…
            </Button>
          )}
        </Group>

        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}

        <QueryStates query={tokens} loading="Loading live tokens…" failed="Could not load live tokens">
          {() =>
            items.length === 0 ? (
              <EmptyState
                py="lg"
                title={clientId ? 'This client has no live tokens' : 'No live tokens'}
                description={
                  clientId
                    ? 'Tokens it requests will show here until they expire or are revoked.'
                    : 'Tokens show here from when they are issued until they expire or are revoked.'
                }
              />
            ) : compact ? (
              <Stack component="ul" aria-label="Live tokens" gap="sm" m={0} p={0} style={{ listStyle: 'none' }}>
                {items.map((token) => (
                  <Paper component="li" key={token.jti} withBorder radius="md" p="sm">
                    <Stack gap={6}>
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Anchor
                          component={Link}
                          to={`/clients/${encodeURIComponent(token.client_id)}`}
                          size="sm"
                          style={{ wordBreak: 'break-all' }}
                        >
                          {token.client_id}
                        </Anchor>
                        {revokeButton(token)}
                      </Group>
                      <ScopeList scope={token.scope} />
                      <Text size="xs" c="dimmed">
                        Expires <Expiry token={token} /> · token <Code>{shortId(token.jti)}</Code>
                      </Text>
                    </Stack>
                  </Paper>
                ))}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={820} type="native">
                <Table striped verticalSpacing="sm" aria-label="Live tokens">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Client</Table.Th>
                      <Table.Th scope="col">Scopes</Table.Th>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Issued</Table.Th>
                      <Table.Th scope="col">Expires</Table.Th>
                      <Table.Th scope="col">Token ID</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((token) => (
                      <Table.Tr key={token.jti}>
                        <Table.Td>
                          <Anchor component={Link} to={`/clients/${encodeURIComponent(token.client_id)}`} size="sm">
                            {shortId(token.client_id, 24)}
                          </Anchor>
                        </Table.Td>
                        <Table.Td maw={320}>
                          <ScopeList scope={token.scope} />
                        </Table.Td>
                        <Table.Td>
                          {token.patient ? (
                            <Code>{token.patient}</Code>
                          ) : (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatDateTime(token.issued_at)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Expiry token={token} />
                        </Table.Td>
                        <Table.Td>
                          <Code title={token.jti}>{shortId(token.jti)}</Code>
                        </Table.Td>
                        <Table.Td ta="right">{revokeButton(token)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryStates>
      </Stack>

      <ConfirmModal
        opened={revoking !== null}
        title="Revoke token"
        confirmLabel="Revoke token"
        pending={revokeOne.isPending}
        error={revokeOne.error}
        errorTitle="Could not revoke the token"
        onCancel={closeOne}
        onConfirm={() =>
          revoking &&
          revokeOne.mutate(revoking.jti, {
            onSuccess: () => {
              setNotice(`Revoked token ${shortId(revoking.jti)} of ${revoking.client_id}.`);
              closeOne();
            },
          })
        }
      >
        <Text>
          Revoke token <Code>{revoking?.jti}</Code> of client <Code>{revoking?.client_id}</Code>? Every request with it
          is refused from now on. The client can request a new token.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={revokingAll}
        title="Revoke all tokens of a client"
        confirmLabel="Revoke all"
        pending={revokeAll.isPending}
        error={revokeAll.error}
        errorTitle="Could not revoke the tokens"
        onCancel={closeAll}
        onConfirm={() =>
          revokeAll.mutate(clientId, {
            onSuccess: ({ revoked }) => {
              setNotice(`Revoked ${revoked} ${revoked === 1 ? 'token' : 'tokens'} of ${clientId}.`);
              closeAll();
            },
          })
        }
      >
        <Text>
          Revoke every live token of <Code>{clientId}</Code>? Its requests are refused until it gets a new token. To
          stop it getting new ones, disable the client.
        </Text>
      </ConfirmModal>
    </Box>
  );
}
