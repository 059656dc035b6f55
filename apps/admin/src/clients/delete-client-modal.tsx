import type { Client } from '@ccri/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../api/api-error';
import { useDeleteClient } from './clients-queries';

interface DeleteClientModalProps {
  client: Client | null;
  onClose: () => void;
  onDeleted?: (client: Client) => void;
}

export function DeleteClientModal({ client, onClose, onDeleted }: DeleteClientModalProps) {
  const deletion = useDeleteClient();
  const close = () => {
    deletion.reset();
    onClose();
  };

  return (
    <Modal opened={client !== null} onClose={close} title="Delete client" centered>
      {client && (
        <Stack gap="md">
          <Text>
            Delete <strong>{client.client_name || client.client_id}</strong> (<code>{client.client_id}</code>)? Its
            tokens stop working at once. This cannot be undone.
          </Text>
          {deletion.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not delete the client">
              {errorMessage(deletion.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={deletion.isPending}
              onClick={() =>
                deletion.mutate(client.client_id, {
                  onSuccess: () => {
                    onDeleted?.(client);
                    close();
                  },
                })
              }
            >
              Delete client
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
