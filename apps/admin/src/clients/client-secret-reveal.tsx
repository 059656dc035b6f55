import { Alert, Stack, TextInput } from '@mantine/core';
import { SecretField } from '../app/secret-field';

interface ClientSecretRevealProps {
  clientId: string;
  clientSecret: string;
}

/** A newly issued client secret. The server keeps only its hash, so this is the one chance to copy it. */
export function ClientSecretReveal({ clientId, clientSecret }: ClientSecretRevealProps) {
  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" title="Copy the secret now">
        This is the only time the secret is shown. It cannot be retrieved later; if it is lost, rotate it.
      </Alert>
      <TextInput
        label="Client ID"
        value={clientId}
        readOnly
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <SecretField label="Client secret" value={clientSecret} copyLabel="Copy secret" />
    </Stack>
  );
}
