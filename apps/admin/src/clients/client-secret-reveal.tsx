import { Alert, Button, CopyButton, Group, Stack, TextInput } from '@mantine/core';

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
      <TextInput label="Client ID" value={clientId} readOnly styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <TextInput
          label="Client secret"
          value={clientSecret}
          readOnly
          flex={1}
          onFocus={(e) => e.currentTarget.select()}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <CopyButton value={clientSecret} timeout={2000}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy} aria-live="polite">
              {copied ? 'Copied' : 'Copy secret'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}
