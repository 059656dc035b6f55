import type { Client, DirectoryEntry } from '@ccri/contracts';
import { Alert, Anchor, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/api-error';
import { DirectoryPicker } from '../directory/directory-picker';
import { useCreateLaunch } from './clients-queries';

/** The client can be EHR-launched: it has a launch URL and signs people in with the code grant. */
export function canLaunch(client: Client): boolean {
  return Boolean(client.launch_uri) && client.grant_types.includes('authorization_code');
}

interface LaunchModalProps {
  client: Client | null;
  onClose: () => void;
}

/**
 * SMART App Launch 2.2 EHR launch: pick the patient in context, get a single-use launch id, and open the app at its
 * launch URL (with `iss` and `launch`) in a new tab.
 */
export function LaunchModal({ client, onClose }: LaunchModalProps) {
  const launch = useCreateLaunch();
  const [patient, setPatient] = useState<DirectoryEntry | null>(null);
  const close = () => {
    launch.reset();
    setPatient(null);
    onClose();
  };
  const launched = launch.data;

  return (
    <Modal opened={client !== null} onClose={close} title="Launch the app" centered size="lg">
      {client && (
        <Stack gap="md">
          <Text size="sm">
            Open <strong>{client.client_name || client.client_id}</strong> as the EHR would, with a patient in context.
          </Text>
          {launched ? (
            <Alert color="green" variant="light" role="status" title="Launched">
              <Stack gap={4}>
                <Text size="sm">
                  The app opened in a new tab. If it did not (a pop-up blocker), open it here within{' '}
                  {Math.round(launched.expires_in / 60)} minutes; the link works once.
                </Text>
                <Anchor
                  href={launched.launch_url}
                  target="_blank"
                  rel="noopener noreferrer"
                  size="sm"
                  style={{ overflowWrap: 'anywhere' }}
                >
                  {launched.launch_url}
                </Anchor>
              </Stack>
            </Alert>
          ) : (
            <DirectoryPicker role="patient" value={patient} onChange={setPatient} />
          )}
          {launch.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not launch the app">
              {errorMessage(launch.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {launched ? 'Close' : 'Cancel'}
            </Button>
            {!launched && (
              <Button
                disabled={!patient}
                loading={launch.isPending}
                onClick={() =>
                  patient &&
                  launch.mutate(
                    { client_id: client.client_id, patient: patient.reference },
                    { onSuccess: ({ launch_url }) => void window.open(launch_url, '_blank', 'noopener') },
                  )
                }
              >
                Launch
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
