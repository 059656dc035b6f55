import type { EndUser, ExternalIdentity } from '@ccri/contracts';
import { Button, Group, List, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../app/confirm-modal';
import { useUnlinkExternalIdentity } from './identity-providers-queries';

const identityLabel = (identity: ExternalIdentity) => `${identity.email || identity.subject} (${identity.provider_id})`;

/**
 * The external identities that sign this person in (federated sign-in), each with a way for the administrator to
 * remove the link: the identity then no longer signs the person in.
 */
export function LinkedIdentities({ user, onUnlinked }: { user: EndUser; onUnlinked?: (message: string) => void }) {
  const unlink = useUnlinkExternalIdentity();
  const [removing, setRemoving] = useState<ExternalIdentity | null>(null);

  if (user.external_identities.length === 0)
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  return (
    <>
      <List listStyleType="none" spacing={4} aria-label={`Linked sign-ins of ${user.username}`}>
        {user.external_identities.map((identity) => (
          <List.Item key={identity.id}>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" style={{ wordBreak: 'break-all' }}>
                {identityLabel(identity)}
              </Text>
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                aria-label={`Unlink ${identityLabel(identity)} from ${user.username}`}
                onClick={() => {
                  unlink.reset();
                  setRemoving(identity);
                }}
              >
                Unlink
              </Button>
            </Group>
          </List.Item>
        ))}
      </List>
      <ConfirmModal
        opened={removing !== null}
        title="Unlink sign-in"
        confirmLabel="Unlink"
        pending={unlink.isPending}
        error={unlink.error}
        errorTitle="Could not unlink the sign-in"
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          unlink.mutate(
            { userId: user.id, linkId: removing.id },
            {
              onSuccess: () => {
                onUnlinked?.(`Unlinked ${identityLabel(removing)} from ${user.username}.`);
                setRemoving(null);
              },
            },
          )
        }
      >
        <Text size="sm">
          {removing && identityLabel(removing)} will no longer sign <strong>{user.username}</strong> in. The account
          itself stays.
        </Text>
      </ConfirmModal>
    </>
  );
}
