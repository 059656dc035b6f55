import type { AuditRecord } from '@ccri/contracts';
import {
  AUDIT_ENTITY_TYPE,
  BALP_ENTITY_TYPE,
  DCM,
  DCM_SUBTYPE,
  OBJECT_ROLE,
  RESTFUL_INTERACTION,
  SECURITY_ROLE_TYPE,
  SECURITY_SOURCE_TYPE,
  actionCode,
  auditActionSystem,
  kindOf,
  outcomeCode,
  restfulInteractionCodes,
  typeOf,
} from './audit-event-codes';
import type { AuditEventKind, Coding } from './audit-event-codes';

type Json = Record<string, unknown>;

/**
 * One audit record as an R4 AuditEvent, shaped after the IHE Basic Audit Log Patterns (BALP 1.1): the client is the
 * requesting agent (OAuth client_id as `who.identifier`, its address as `network`), this server the destination
 * agent and `source.observer`, the FHIR resource the data entity, and the HTTP request the BALP `XrequestId`
 * transaction entity carrying the granted scope and the HTTP status. `baseUrl` is this server's FHIR base.
 */
export function toAuditEvent(record: AuditRecord, baseUrl: string): Json {
  const base = baseUrl.replace(/\/+$/, '');
  const kind = kindOf(record.category, record.action);
  const outcomeDesc = outcomeDescription(record);
  return {
    resourceType: 'AuditEvent',
    id: record.id,
    meta: { versionId: '1', lastUpdated: record.recorded_at },
    type: typeOf(kind),
    subtype: subtypes(record, kind, base),
    action: actionCode(record.category, record.action),
    recorded: record.recorded_at,
    outcome: outcomeCode(record.outcome, record.status),
    ...(outcomeDesc ? { outcomeDesc } : {}),
    agent: agents(record, base),
    source: {
      site: siteOf(base),
      observer: { identifier: { system: 'urn:ietf:rfc:3986', value: base }, display: 'FHIR server' },
      type: [{ system: SECURITY_SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    entity: entities(record),
  };
}

/** DICOM PS3.15 A.5.3.12 and the Security Alert event types: the DCM subtype of each kind that has one. */
const DICOM_SUBTYPE: Partial<Record<AuditEventKind, Coding>> = {
  login: DCM_SUBTYPE.login,
  logout: DCM_SUBTYPE.logout,
  'security-configuration': DCM_SUBTYPE.securityConfiguration,
};

function subtypes(record: AuditRecord, kind: AuditEventKind, base: string): Coding[] {
  if (kind === 'rest') {
    return restfulInteractionCodes(record.action).map((code) => ({ system: RESTFUL_INTERACTION, code, display: code }));
  }
  const dicom = DICOM_SUBTYPE[kind];
  return [...(dicom ? [dicom] : []), { system: auditActionSystem(base), code: record.action, display: record.action }];
}

function outcomeDescription(record: AuditRecord): string | undefined {
  if (record.reason) return record.reason;
  return record.outcome === 'success' ? undefined : `HTTP ${record.status}`;
}

function agents(record: AuditRecord, base: string): Json[] {
  const network = record.ip ? { network: { address: record.ip, type: '2' } } : {};
  const out: Json[] = [];
  if (record.actor) {
    // The signed-in administrator (or portal developer) who made a management change.
    out.push({
      type: { coding: [{ system: SECURITY_ROLE_TYPE, code: 'humanuser', display: 'human user' }] },
      who: { display: record.actor },
      altId: record.actor,
      requestor: true,
      ...network,
    });
  }
  if (record.client_id) {
    // BALP OAUTHaccessTokenUse.Comprehensive, slice oClient: the OAuth client, by its client_id.
    out.push({
      type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
      who: { identifier: { value: record.client_id }, display: record.client_id },
      name: record.client_id,
      requestor: !record.actor,
      ...(record.actor ? {} : network),
    });
  }
  if (!record.actor && !record.client_id && record.ip) {
    // Nobody authenticated (a refused token request without credentials): the caller is known only by address.
    out.push({
      type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
      who: { display: record.ip },
      requestor: true,
      ...network,
    });
  }
  out.push({
    type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
    who: { identifier: { system: 'urn:ietf:rfc:3986', value: base }, display: 'FHIR server' },
    requestor: false,
    network: { address: base, type: '5' },
  });
  return out;
}

function entities(record: AuditRecord): Json[] {
  const out: Json[] = [];
  if (record.category === 'fhir' && record.resource_type) {
    const type = record.resource_type;
    const isPatient = type === 'Patient';
    const isQuery = record.action.startsWith('search-');
    out.push({
      what: { ...(record.resource_id ? { reference: `${type}/${record.resource_id}` } : {}), type },
      // BALP: a Patient is a Person in the Patient role; other resources are System Objects, searched ones a Query.
      type: {
        system: AUDIT_ENTITY_TYPE,
        code: isPatient && !isQuery ? '1' : '2',
        display: isPatient && !isQuery ? 'Person' : 'System Object',
      },
      role: isQuery
        ? { system: OBJECT_ROLE, code: '24', display: 'Query' }
        : isPatient
          ? { system: OBJECT_ROLE, code: '1', display: 'Patient' }
          : { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
    });
  } else if (record.resource_id) {
    // Management actions name their object (a client id, a token's jti) without a FHIR type.
    out.push({
      what: { identifier: { value: record.resource_id } },
      type: { system: AUDIT_ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '13', display: 'Security Resource' },
    });
  }
  const detail: Json[] = [{ type: 'http-status', valueString: String(record.status) }];
  if (record.scope) detail.push({ type: 'scope', valueString: record.scope });
  out.push({
    what: { identifier: { value: record.request_id } },
    type: {
      system: BALP_ENTITY_TYPE,
      code: 'XrequestId',
      display: 'transport specific unique identifier where http X-Request-Id is used',
    },
    detail,
  });
  return out;
}

function siteOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}
