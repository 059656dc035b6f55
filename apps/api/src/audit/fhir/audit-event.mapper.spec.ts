import type { AuditRecord } from '@ccri/contracts';
import { validateResource } from '../../fhir/validation';
import { toAuditEvent } from './audit-event.mapper';

const BASE = 'http://ccri.test/fhir';

const record = (extra: Partial<AuditRecord>): AuditRecord => ({
  id: '0190a3c2-7b1e-7c3d-9a4b-1c2d3e4f5a6b',
  recorded_at: '2024-05-01T10:00:00.123Z',
  category: 'fhir',
  action: 'read',
  client_id: 'patient-access',
  actor: null,
  outcome: 'success',
  status: 200,
  reason: null,
  resource_type: 'Patient',
  resource_id: '42',
  scope: 'patient/Patient.read',
  ip: '10.0.0.7',
  request_id: 'req-1',
  ...extra,
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const agentOfType = (e: Json, code: string) => (e.agent as Json[]).find((a) => a.type.coding[0].code === code);

describe('toAuditEvent', () => {
  it('maps a FHIR read after the BALP RESTful read pattern', () => {
    expect(toAuditEvent(record({}), BASE)).toEqual({
      resourceType: 'AuditEvent',
      id: '0190a3c2-7b1e-7c3d-9a4b-1c2d3e4f5a6b',
      meta: { versionId: '1', lastUpdated: '2024-05-01T10:00:00.123Z' },
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
        code: 'rest',
        display: 'RESTful Operation',
      },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }],
      action: 'R',
      recorded: '2024-05-01T10:00:00.123Z',
      outcome: '0',
      agent: [
        {
          type: {
            coding: [
              { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' },
            ],
          },
          who: { identifier: { value: 'patient-access' }, display: 'patient-access' },
          name: 'patient-access',
          requestor: true,
          network: { address: '10.0.0.7', type: '2' },
        },
        {
          type: {
            coding: [
              {
                system: 'http://dicom.nema.org/resources/ontology/DCM',
                code: '110152',
                display: 'Destination Role ID',
              },
            ],
          },
          who: { identifier: { system: 'urn:ietf:rfc:3986', value: BASE }, display: 'FHIR server' },
          requestor: false,
          network: { address: BASE, type: '5' },
        },
      ],
      source: {
        site: 'ccri.test',
        observer: { identifier: { system: 'urn:ietf:rfc:3986', value: BASE }, display: 'FHIR server' },
        type: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
            code: '4',
            display: 'Application Server',
          },
        ],
      },
      entity: [
        {
          what: { reference: 'Patient/42', type: 'Patient' },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
        },
        {
          what: { identifier: { value: 'req-1' } },
          type: {
            system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
            code: 'XrequestId',
            display: 'transport specific unique identifier where http X-Request-Id is used',
          },
          detail: [
            { type: 'http-status', valueString: '200' },
            { type: 'scope', valueString: 'patient/Patient.read' },
          ],
        },
      ],
    });
  });

  it.each<[string, Partial<AuditRecord>, { type: string; subtype: string[]; action: string; outcome: string }]>([
    ['a vread', { action: 'vread' }, { type: 'rest', subtype: ['vread'], action: 'R', outcome: '0' }],
    [
      'a type search',
      { action: 'search-type', resource_id: null },
      { type: 'rest', subtype: ['search-type', 'search'], action: 'E', outcome: '0' },
    ],
    [
      'an instance history',
      { action: 'history-instance' },
      { type: 'rest', subtype: ['history-instance', 'history'], action: 'R', outcome: '0' },
    ],
    ['a create', { action: 'create', status: 201 }, { type: 'rest', subtype: ['create'], action: 'C', outcome: '0' }],
    ['an update', { action: 'update' }, { type: 'rest', subtype: ['update'], action: 'U', outcome: '0' }],
    ['a patch', { action: 'patch' }, { type: 'rest', subtype: ['patch'], action: 'U', outcome: '0' }],
    ['a delete', { action: 'delete' }, { type: 'rest', subtype: ['delete'], action: 'D', outcome: '0' }],
    [
      'a conditional delete',
      { action: 'conditional-delete' },
      { type: 'rest', subtype: ['delete'], action: 'D', outcome: '0' },
    ],
    [
      'a transaction',
      { action: 'transaction', resource_type: null, resource_id: null },
      { type: 'rest', subtype: ['transaction'], action: 'E', outcome: '0' },
    ],
    [
      'a denied read',
      { outcome: 'denied', status: 403, reason: 'insufficient_scope' },
      { type: 'rest', subtype: ['read'], action: 'R', outcome: '4' },
    ],
    [
      'a read of a missing resource',
      { outcome: 'error', status: 404, reason: 'fhir_resource_not_found' },
      { type: 'rest', subtype: ['read'], action: 'R', outcome: '4' },
    ],
    [
      'a failed read',
      { outcome: 'error', status: 503, reason: 'audit_unavailable' },
      { type: 'rest', subtype: ['read'], action: 'R', outcome: '8' },
    ],
    [
      'a token request',
      { category: 'token', action: 'token', resource_type: null, resource_id: null },
      { type: '110114', subtype: ['110122', 'token'], action: 'E', outcome: '0' },
    ],
    [
      'a refused token request',
      {
        category: 'token',
        action: 'token',
        outcome: 'denied',
        status: 401,
        reason: 'invalid_client_credentials',
        resource_type: null,
        resource_id: null,
      },
      { type: '110114', subtype: ['110122', 'token'], action: 'E', outcome: '4' },
    ],
    [
      'a revocation',
      { category: 'token', action: 'revoke', resource_type: null, resource_id: null },
      { type: '110114', subtype: ['110123', 'revoke'], action: 'E', outcome: '0' },
    ],
    [
      'an introspection',
      { category: 'token', action: 'introspect', resource_type: null, resource_id: null },
      { type: '110114', subtype: ['introspect'], action: 'E', outcome: '0' },
    ],
    [
      'an administrator sign-in',
      {
        category: 'admin',
        action: 'admin.login',
        client_id: null,
        actor: 'admin',
        resource_type: null,
        resource_id: null,
      },
      { type: '110114', subtype: ['110122', 'admin.login'], action: 'E', outcome: '0' },
    ],
    [
      'a client created by an administrator',
      {
        category: 'admin',
        action: 'client.create',
        client_id: null,
        actor: 'admin',
        status: 201,
        resource_type: null,
        resource_id: null,
      },
      { type: '110113', subtype: ['110129', 'client.create'], action: 'C', outcome: '0' },
    ],
    [
      'a client deleted',
      {
        category: 'admin',
        action: 'client.delete',
        client_id: null,
        actor: 'admin',
        status: 204,
        resource_type: null,
        resource_id: 'c-1',
      },
      { type: '110113', subtype: ['110129', 'client.delete'], action: 'D', outcome: '0' },
    ],
    [
      'an unnamed management action',
      {
        category: 'admin',
        action: 'PATCH /api/clients/c-1',
        client_id: null,
        actor: 'admin',
        resource_type: null,
        resource_id: 'c-1',
      },
      { type: '110113', subtype: ['110129', 'PATCH /api/clients/c-1'], action: 'U', outcome: '0' },
    ],
    [
      'a dynamic registration',
      { category: 'registration', action: 'register.post', status: 201, resource_type: null, resource_id: null },
      { type: '110113', subtype: ['110129', 'register.post'], action: 'C', outcome: '0' },
    ],
  ])('maps %s', (_name, extra, expected) => {
    const e = toAuditEvent(record(extra), BASE) as Json;
    expect({
      type: e.type.code,
      subtype: (e.subtype as Json[]).map((s) => s.code),
      action: e.action,
      outcome: e.outcome,
    }).toEqual(expected);
  });

  it('describes a failure by its reason, or by its status when none was recorded', () => {
    expect(
      toAuditEvent(record({ outcome: 'denied', status: 403, reason: 'insufficient_scope' }), BASE).outcomeDesc,
    ).toBe('insufficient_scope');
    expect(toAuditEvent(record({ outcome: 'error', status: 500, reason: null }), BASE).outcomeDesc).toBe('HTTP 500');
    expect(toAuditEvent(record({}), BASE).outcomeDesc).toBeUndefined();
  });

  it('gives a search a Query entity naming the type searched', () => {
    const e = toAuditEvent(
      record({ action: 'search-type', resource_type: 'Condition', resource_id: null }),
      BASE,
    ) as Json;
    expect(e.entity[0]).toEqual({
      what: { type: 'Condition' },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
    });
  });

  it('makes the administrator the requestor of a management action, and names its object', () => {
    const e = toAuditEvent(
      record({
        category: 'admin',
        action: 'client.update',
        actor: 'admin',
        client_id: 'c-1',
        resource_type: null,
        resource_id: 'c-1',
      }),
      BASE,
    ) as Json;
    expect(agentOfType(e, 'humanuser')).toEqual({
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
            code: 'humanuser',
            display: 'human user',
          },
        ],
      },
      who: { display: 'admin' },
      altId: 'admin',
      requestor: true,
      network: { address: '10.0.0.7', type: '2' },
    });
    expect(agentOfType(e, '110150')).toMatchObject({ who: { identifier: { value: 'c-1' } }, requestor: false });
    expect(e.entity[0]).toMatchObject({
      what: { identifier: { value: 'c-1' } },
      role: { code: '13', display: 'Security Resource' },
    });
    expect(e.subtype[1]).toEqual({
      system: 'http://ccri.test/fhir/CodeSystem/audit-action',
      code: 'client.update',
      display: 'client.update',
    });
  });

  it('records an unauthenticated caller by its address', () => {
    const e = toAuditEvent(
      record({
        category: 'token',
        action: 'token',
        client_id: null,
        outcome: 'denied',
        status: 401,
        resource_type: null,
        resource_id: null,
        scope: null,
      }),
      BASE,
    ) as Json;
    expect(agentOfType(e, '110153')).toEqual({
      type: {
        coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }],
      },
      who: { display: '10.0.0.7' },
      requestor: true,
      network: { address: '10.0.0.7', type: '2' },
    });
    expect(e.entity).toEqual([expect.objectContaining({ detail: [{ type: 'http-status', valueString: '401' }] })]);
  });

  it.each<[string, Partial<AuditRecord>]>([
    ['read', {}],
    ['search', { action: 'search-type', resource_id: null }],
    ['denied', { outcome: 'denied', status: 403, reason: 'insufficient_scope' }],
    ['token', { category: 'token', action: 'token', resource_type: null, resource_id: null }],
    [
      'anonymous token',
      {
        category: 'token',
        action: 'token',
        client_id: null,
        scope: null,
        outcome: 'denied',
        status: 401,
        resource_type: null,
        resource_id: null,
      },
    ],
    ['admin', { category: 'admin', action: 'client.update', actor: 'admin', resource_type: null, resource_id: 'c-1' }],
  ])('produces a valid R4 AuditEvent (%s)', (_name, extra) => {
    expect(
      validateResource(toAuditEvent(record(extra), BASE), 'AuditEvent').filter((i) => i.severity === 'error'),
    ).toEqual([]);
  });
});
