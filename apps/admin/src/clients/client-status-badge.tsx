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
