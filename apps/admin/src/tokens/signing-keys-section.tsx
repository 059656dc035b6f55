import type { SigningKeyInfo } from '@ccri/contracts';
import { Badge, Box, Button, Code, Group, Paper, Stack, Table, Text, Title, em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { ConfirmModal } from '../app/confirm-modal';
import { formatDateTime, shortId } from '../app/format';
import { Notice, QueryStates } from '../app/query-states';
import { useRotateSigningKey, useSigningKeys } from './tokens-queries';

const COMPACT = `(max-width: ${em(767)})`;

function KeyStatus({ status }: { status: 'active' | 'retired' }) {
  return (
    <Badge color={status === 'active' ? 'green' : 'gray'} variant="light" miw="max-content">
      {status}
    </Badge>
  );
}

const USE_LABELS = { access_tokens: 'access tokens', id_tokens: 'id_tokens' } as const;

/** What an active key signs ("access tokens, id_tokens"); a retired key signs nothing, it only verifies. */
function signsLabel(key: SigningKeyInfo): string {
  return key.signs.length ? key.signs.map((use) => USE_LABELS[use]).join(', ') : 'nothing (verifies only)';
}

/** The keys that sign tokens: the active one and retired ones still published for the tokens they signed. */
export function SigningKeysSection() {
  const keys = useSigningKeys();
  const rotation = useRotateSigningKey();
  const compact = useMediaQuery(COMPACT, false, { getInitialValueInEffect: false });
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const close = () => {
    rotation.reset();
    setConfirming(false);
  };

  return (
    <Box component="section" aria-labelledby="signing-keys-heading">
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
        <div>
          <Title order={2} size="h3" id="signing-keys-heading">
            Signing keys
          </Title>
          <Text size="sm" c="dimmed">
            Keys published in the JWKS, each with its algorithm: access tokens are signed with ACCESS_TOKEN_SIGNING_ALG,
            id_tokens with RS256. A retired key stays published until the tokens it signed have expired.
          </Text>
        </div>
        <Button color="orange" onClick={() => setConfirming(true)}>
          Rotate signing key…
        </Button>
      </Group>

      <Stack gap="md">
        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        <QueryStates query={keys} loading="Loading signing keys…" failed="Could not load signing keys">
          {(data) =>
            compact ? (
              <Stack component="ul" aria-label="Signing keys" gap="sm" m={0} p={0} style={{ listStyle: 'none' }}>
                {data.map((key) => (
                  <Paper component="li" key={key.kid} withBorder radius="md" p="sm">
                    <Stack gap={4}>
                      <Group justify="space-between" wrap="nowrap">
                        <Code style={{ wordBreak: 'break-all' }}>{key.kid}</Code>
                        <KeyStatus status={key.status} />
                      </Group>
                      <Text size="xs" c="dimmed">
                        {key.alg} · signs {signsLabel(key)} · created {formatDateTime(key.created_at)}
                        {key.remove_after && ` · published until ${formatDateTime(key.remove_after)}`}
                      </Text>
                    </Stack>
                  </Paper>
                ))}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={760} type="native">
                <Table striped verticalSpacing="sm" aria-label="Signing keys">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Key ID</Table.Th>
                      <Table.Th scope="col">Algorithm</Table.Th>
                      <Table.Th scope="col">Signs</Table.Th>
                      <Table.Th scope="col">Status</Table.Th>
                      <Table.Th scope="col">Created</Table.Th>
                      <Table.Th scope="col">Retired</Table.Th>
                      <Table.Th scope="col">Published until</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((key) => (
                      <Table.Tr key={key.kid}>
                        <Table.Td>
                          <Code title={key.kid}>{shortId(key.kid, 20)}</Code>
                        </Table.Td>
                        <Table.Td>{key.alg}</Table.Td>
                        <Table.Td>{signsLabel(key)}</Table.Td>
                        <Table.Td>
                          <KeyStatus status={key.status} />
                        </Table.Td>
                        <Table.Td>{formatDateTime(key.created_at)}</Table.Td>
                        <Table.Td>{formatDateTime(key.retired_at)}</Table.Td>
                        <Table.Td>
                          {key.status === 'active' ? 'while active' : formatDateTime(key.remove_after)}
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

      <ConfirmModal
        opened={confirming}
        title="Rotate the signing key"
        confirmLabel="Rotate key"
        color="orange"
        pending={rotation.isPending}
        error={rotation.error}
        errorTitle="Could not rotate the signing key"
        onCancel={close}
        onConfirm={() =>
          rotation.mutate(undefined, {
            onSuccess: ({ kid }) => {
              setNotice(
                `New signing key ${shortId(kid, 20)} is active. Tokens signed with the old key stay valid until they expire.`,
              );
              close();
            },
          })
        }
      >
        <Text>
          Generate a new signing key for each algorithm in use and sign every new token with it? The current keys are
          retired but stay in the JWKS until the tokens they signed have expired, so nothing stops working.
        </Text>
      </ConfirmModal>
    </Box>
  );
}
