import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION_KEY = 'ccri:audit-action';

/** Names the action this route performs in the audit trail (e.g. `client.create`). */
export const AuditAction = (action: string) => SetMetadata(AUDIT_ACTION_KEY, action);
