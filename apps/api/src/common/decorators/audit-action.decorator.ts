import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION_KEY = 'ccri:audit-action';
export const AUDIT_RESOURCE_KEY = 'ccri:audit-resource';

/** Names the action this route performs in the audit trail (e.g. `client.create`, a FHIR interaction). */
export const AuditAction = (action: string) => SetMetadata(AUDIT_ACTION_KEY, action);

/** What `AuditResource` declares: a fixed resource type, or null for the `:type` route parameter. */
export interface AuditedResource {
  type: string | null;
}

/**
 * Names the resource this route acts on in its audit record: `type` (without it, the `:type` route parameter, if
 * any), and the `:id` route parameter as its id.
 */
export const AuditResource = (type?: string) => SetMetadata(AUDIT_RESOURCE_KEY, { type: type ?? null });
