import { splitScopes } from '@ccri/smart-scopes';
import { Code, Group, Text } from '@mantine/core';

/** A client's allowed scopes, one chip each, wrapping on narrow screens. */
export function ScopeList({ scope }: { scope: string }) {
  const scopes = splitScopes(scope);
  if (scopes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  return (
    <Group component="ul" gap={4} m={0} p={0} style={{ listStyle: 'none' }} aria-label="Scopes">
      {scopes.map((s) => (
        <li key={s}>
          <Code>{s}</Code>
        </li>
      ))}
    </Group>
  );
}
