import { Button, CopyButton, Group, TextInput } from '@mantine/core';

interface SecretFieldProps {
  label: string;
  value: string;
  copyLabel: string;
}

/** A value shown once: read-only, selected on focus, with a copy button that says when it has copied. */
export function SecretField({ label, value, copyLabel }: SecretFieldProps) {
  return (
    <Group align="flex-end" gap="sm" wrap="nowrap">
      <TextInput
        label={label}
        value={value}
        readOnly
        flex={1}
        onFocus={(e) => e.currentTarget.select()}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Button
            variant={copied ? 'filled' : 'default'}
            color={copied ? 'teal' : undefined}
            onClick={copy}
            aria-live="polite"
          >
            {copied ? 'Copied' : copyLabel}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
