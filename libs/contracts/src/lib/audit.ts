export const AUDIT_CATEGORIES = ['token', 'fhir', 'admin', 'registration'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditRecord {
  id: string;
  recorded_at: string;
  category: AuditCategory;
  /** What was attempted: a grant type, a FHIR interaction (`read`, `search-type`, ...) or an admin action (`client.create`). */
  action: string;
  client_id?: string | null;
  /** The signed-in administrator for admin actions. */
  actor?: string | null;
  outcome: AuditOutcome;
  /** HTTP status of the answer. */
  status: number;
  reason?: string | null;
  resource_type?: string | null;
  resource_id?: string | null;
  scope?: string | null;
  ip: string;
  request_id: string;
}

export interface AuditQuery {
  client_id?: string;
  outcome?: AuditOutcome;
  /** Resource type (FHIR) or category. */
  type?: string;
  from?: string;
  to?: string;
  page?: number;
  limit?: number;
}
