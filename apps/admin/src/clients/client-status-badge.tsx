import type { ClientStatus } from '@ccri/contracts';
import { Badge } from '@mantine/core';

const COLORS: Record<ClientStatus, string> = { active: 'green', pending: 'yellow', rejected: 'red' };

export function ClientStatusBadge({ status }: { status: ClientStatus }) {
  return (
    // Never squeezed into an ellipsis by a crowded table row.
    <Badge color={COLORS[status]} variant="light" miw="max-content">
      {status}
    </Badge>
  );
}

/** One of the demo clients, whose secrets are published: refused by the server while demo mode is off. */
export function DemoClientBadge({ client }: { client: { demo?: boolean; enabled: boolean } }) {
  if (!client.demo) return null;
  return (
    <Badge
      color={client.enabled ? 'blue' : 'gray'}
      variant="outline"
      miw="max-content"
      title={client.enabled ? 'Demo client (published secret)' : 'Demo client: refused while demo mode is off'}
    >
      {client.enabled ? 'demo' : 'demo · off'}
    </Badge>
  );
}
