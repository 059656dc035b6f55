import type { Client } from '@ccri/contracts';
import { Text } from '@mantine/core';
import { ConfirmModal } from '../app/confirm-modal';
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
    <ConfirmModal
      opened={client !== null}
      title="Reject registration"
      confirmLabel="Reject client"
      pending={decision.isPending}
      error={decision.isError ? decision.error : undefined}
      errorTitle="Could not reject the client"
      onCancel={close}
      onConfirm={() =>
        client &&
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
      {client && (
        <Text>
          Reject <strong>{client.client_name || client.client_id}</strong>? It will not be able to request tokens. You
          can still approve it later.
        </Text>
      )}
    </ConfirmModal>
  );
}
