import type { Client } from '@ccri/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { errorMessage } from '../api/api-error';
import { ClientSecretReveal } from './client-secret-reveal';
import { useRotateClientSecret } from './clients-queries';

interface RotateSecretModalProps {
  client: Client | null;
  onClose: () => void;
}

/** Confirms a rotation (the old secret stops working at once), then shows the new secret once. */
export function RotateSecretModal({ client, onClose }: RotateSecretModalProps) {
  const rotation = useRotateClientSecret();
  const close = () => {
    rotation.reset();
    onClose();
  };
  const rotated = rotation.data;

  return (
    <Modal
      opened={client !== null}
      onClose={close}
      title={rotated ? 'New client secret' : 'Rotate client secret'}
      centered
      size="lg"
    >
      {client && !rotated && (
        <Stack gap="md">
          <Text>
            Issue a new secret for <strong>{client.client_name || client.client_id}</strong>? The current secret stops
            working immediately, so every system that uses it must be given the new one.
          </Text>
          {rotation.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not rotate the secret">
              {errorMessage(rotation.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="orange" loading={rotation.isPending} onClick={() => rotation.mutate(client.client_id)}>
              Rotate secret
            </Button>
          </Group>
        </Stack>
      )}
      {rotated && (
        <Stack gap="md">
          <ClientSecretReveal clientId={rotated.client_id} clientSecret={rotated.client_secret} />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
