import type { Client } from '@ccri/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../api/api-error';
import { useDecideClient } from './clients-queries';

interface RejectClientModalProps {
  client: Client | null;
  onClose: () => void;
  onRejected?: (client: Client) => void;
}

/** Confirms turning down a self-registration. It can still be approved later. */
export function RejectClientModal({ client, onClose, onRejected }: RejectClientModalProps) {
  const decision = useDecideClient();
  const close = () => {
    decision.reset();
    onClose();
  };

  return (
    <Modal opened={client !== null} onClose={close} title="Reject registration" centered>
      {client && (
        <Stack gap="md">
          <Text>
            Reject <strong>{client.client_name || client.client_id}</strong>? It will not be able to request tokens. You
            can still approve it later.
          </Text>
          {decision.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not reject the client">
              {errorMessage(decision.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={decision.isPending}
              onClick={() =>
                decision.mutate(
                  { clientId: client.client_id, decision: 'reject' },
                  {
                    onSuccess: () => {
                      onRejected?.(client);
                      close();
                    },
                  },
                )
              }
            >
              Reject client
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
