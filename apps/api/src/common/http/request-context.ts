import type { AuditCategory, AuditOutcome } from '@ccri/contracts';
import type { Scope } from '@ccri/smart-scopes';
import type { PendingRow } from '../../database/fast-insert.service';

/** What the audit hook records for a request; guards, services and filters fill it in as the request goes. */
export interface AuditContext {
  category: AuditCategory;
  action: string;
  client_id?: string | null;
  actor?: string | null;
  resource_type?: string | null;
  resource_id?: string | null;
  scope?: string | null;
  reason?: string | null;
  /** Set when the status alone does not tell (e.g. `invalid_scope` is a 400 but a denial). */
  outcome?: AuditOutcome;
  /**
   * Rows to commit in the same transaction as this record, before the response leaves (an issued token's record):
   * one commit instead of two, and never one row without the other.
   */
  commitWith?: PendingRow[];
}

/** The verified bearer token of a FHIR request. */
export interface TokenPrincipal {
  clientId: string;
  sub: string;
  jti: string;
  scope: string;
  scopes: Scope[];
  patient?: string;
  /** The Patient id of the person the token acts for, when that person is a patient: confines every scope. */
  actingPatient?: string;
  /** Absolute URL of the person's FHIR resource, when `fhirUser` was granted. */
  fhirUser?: string;
  encounter?: string;
  iat?: number;
  exp: number;
}

/** The signed-in administrator of a management request. */
export interface AdminPrincipal {
  username: string;
  role: 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    audit?: AuditContext;
    principal?: TokenPrincipal;
    admin?: AdminPrincipal;
  }
}

export type Surface = 'oauth' | 'fhir' | 'api' | 'other';

/** Which error vocabulary a path speaks. */
export function surfaceOf(url: string): Surface {
  if (url.startsWith('/fhir')) return 'fhir';
  if (url.startsWith('/auth') || url.startsWith('/.well-known')) return 'oauth';
  if (url.startsWith('/api')) return 'api';
  return 'other';
}
