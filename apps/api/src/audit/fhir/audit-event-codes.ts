import type { AuditCategory } from '@ccri/contracts';

/** A FHIR Coding, as the AuditEvent mapping emits it. */
export interface Coding {
  system: string;
  code: string;
  display?: string;
}

// Code systems named by R4 AuditEvent (auditevent.html#tx), DICOM PS3.16 and IHE BALP.
export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const AUDIT_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const SECURITY_SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
export const RESOURCE_TYPES = 'http://hl7.org/fhir/resource-types';
export const BALP_ENTITY_TYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
export const SECURITY_ROLE_TYPE = 'http://terminology.hl7.org/CodeSystem/extra-security-role-type';

/** This server's own action names (`client.create`, `register.post`, `introspect`), as a code system under its FHIR base. */
export function auditActionSystem(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/CodeSystem/audit-action`;
}

export const EVENT_TYPE = {
  rest: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
  userAuthentication: { system: DCM, code: '110114', display: 'User Authentication' },
  securityAlert: { system: DCM, code: '110113', display: 'Security Alert' },
} as const satisfies Record<string, Coding>;

export const DCM_SUBTYPE = {
  login: { system: DCM, code: '110122', display: 'Login' },
  logout: { system: DCM, code: '110123', display: 'Logout' },
  securityConfiguration: { system: DCM, code: '110129', display: 'Security Configuration' },
} as const satisfies Record<string, Coding>;

/** Sign-in and sign-out actions of the management surfaces: DICOM User Authentication, like the token endpoint. */
export const LOGIN_ACTIONS = ['admin.login', 'portal.login', 'authorize.sign-in', 'account.sign-in'] as const;
export const LOGOUT_ACTIONS = ['admin.logout', 'portal.logout', 'account.sign-out'] as const;

/**
 * The kind of event a record is, which decides its BALP `type` and DICOM subtype:
 * - `rest`: a FHIR interaction (BALP RESTful patterns);
 * - `login` / `logout` / `authentication`: token issue, revocation, introspection and management sign-in
 *   (DICOM PS3.15 A.5.3.12 User Authentication, with Login and Logout);
 * - `security-configuration`: management and registration changes to clients, scopes, keys and settings
 *   (DICOM Security Alert, Security Configuration).
 */
export type AuditEventKind = 'rest' | 'login' | 'logout' | 'authentication' | 'security-configuration';

export function kindOf(category: AuditCategory, action: string): AuditEventKind {
  if (category === 'fhir') return 'rest';
  if ((category === 'token' && action === 'token') || (LOGIN_ACTIONS as readonly string[]).includes(action))
    return 'login';
  if ((category === 'token' && action === 'revoke') || (LOGOUT_ACTIONS as readonly string[]).includes(action))
    return 'logout';
  if (category === 'token') return 'authentication';
  return 'security-configuration';
}

export function typeOf(kind: AuditEventKind): Coding {
  if (kind === 'rest') return EVENT_TYPE.rest;
  return kind === 'security-configuration' ? EVENT_TYPE.securityAlert : EVENT_TYPE.userAuthentication;
}

/** R4 restful-interaction codes, with the parent code (`search`, `history`) that BALP's patterns name. */
export function restfulInteractionCodes(action: string): string[] {
  if (action === 'search-type' || action === 'search-system') return [action, 'search'];
  if (action.startsWith('history-')) return [action, 'history'];
  if (action === 'conditional-delete') return ['delete'];
  return RESTFUL_INTERACTIONS.has(action) ? [action] : [];
}

const RESTFUL_INTERACTIONS = new Set([
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'create',
  'capabilities',
  'transaction',
  'batch',
  'operation',
]);

/** R4 AuditEvent.action (valueset-audit-event-action): what the event did to the data. */
export function actionCode(category: AuditCategory, action: string): 'C' | 'R' | 'U' | 'D' | 'E' {
  switch (category) {
    case 'fhir':
      if (action === 'create') return 'C';
      if (action === 'read' || action === 'vread' || action === 'capabilities' || action.startsWith('history-'))
        return 'R';
      if (action === 'update' || action === 'patch') return 'U';
      if (action === 'delete' || action === 'conditional-delete') return 'D';
      return 'E'; // BALP: a search is an Execute, as are transactions, batches and operations
    case 'token':
      return 'E'; // DICOM PS3.15 A.5.3.12: User Authentication is always Execute
    case 'registration':
      return (
        ({ 'register.post': 'C', 'register.get': 'R', 'register.put': 'U', 'register.delete': 'D' } as const)[
          action as 'register.post'
        ] ?? 'E'
      );
    default:
      return adminActionCode(action);
  }
}

function adminActionCode(action: string): 'C' | 'R' | 'U' | 'D' | 'E' {
  const method = /^(POST|PUT|PATCH|DELETE) /.exec(action)?.[1];
  if (method) return method === 'POST' ? 'C' : method === 'DELETE' ? 'D' : 'U';
  const verb = action.slice(action.lastIndexOf('.') + 1);
  if (['create', 'issue', 'signup'].includes(verb)) return 'C';
  if (['delete', 'revoke', 'revoke_client'].includes(verb)) return 'D';
  if (['update', 'approve', 'reject', 'rotate', 'rotate_secret'].includes(verb)) return 'U';
  return 'E';
}

/** R4 AuditEvent.outcome (valueset-audit-event-outcome): 0 success, 4 minor failure, 8 serious failure. */
export function outcomeCode(outcome: string, status: number): '0' | '4' | '8' {
  if (outcome === 'success') return '0';
  return outcome === 'error' && status >= 500 ? '8' : '4';
}
