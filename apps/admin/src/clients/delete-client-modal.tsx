import type { Client } from '@ccri/contracts';
import { Text } from '@mantine/core';
import { ConfirmModal } from '../app/confirm-modal';
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
    <ConfirmModal
      opened={client !== null}
      title="Delete client"
      confirmLabel="Delete client"
      pending={deletion.isPending}
      error={deletion.isError ? deletion.error : undefined}
      errorTitle="Could not delete the client"
      onCancel={close}
      onConfirm={() =>
        client &&
        deletion.mutate(client.client_id, {
          onSuccess: () => {
            onDeleted?.(client);
            close();
          },
        })
      }
    >
      {client && (
        <Text>
          Delete <strong>{client.client_name || client.client_id}</strong> (<code>{client.client_id}</code>)? Its tokens
          stop working at once. This cannot be undone.
        </Text>
      )}
    </ConfirmModal>
  );
}
