import { oauthEndpoints } from '../../src/auth/oauth-endpoints';
import { SERVED_RESOURCE_TYPES } from '../../src/fhir/fhir-resource-types';
import { SearchParameterRegistry } from '../../src/fhir/search/search-parameter-registry';
import { createTestApp, databases, TestApp } from '../support/test-app';

const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

interface ResourceEntry {
  type: string;
  interaction: { code: string }[];
  searchParam: { name: string; type: string; definition: string }[];
}

describe.each(databases())('FHIR CapabilityStatement on %s', (db) => {
  let t: TestApp;
  let statement: {
    resourceType: string;
    fhirVersion: string;
    format: string[];
    kind: string;
    rest: {
      mode: string;
      security: {
        service: { coding: { system: string; code: string }[] }[];
        extension: { url: string; extension: { url: string; valueUri: string }[] }[];
      };
      resource: ResourceEntry[];
    }[];
  };

  beforeAll(async () => {
    t = await createTestApp(db);
    const res = await t.http.get('/fhir/metadata').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    statement = res.body;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is served without a token, as FHIR 4.0.1 JSON', () => {
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    expect(statement.format).toContain('json');
    expect(statement.rest[0].mode).toBe('server');
  });

  it('declares SMART-on-FHIR security with the oauth-uris the authorization server serves', () => {
    const security = statement.rest[0].security;
    expect(security.service[0].coding).toContainEqual({
      system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
      code: 'SMART-on-FHIR',
      display: 'SMART-on-FHIR',
    });
    const smart = security.extension.find((e) => e.url === OAUTH_URIS)!;
    const endpoints = oauthEndpoints(t.config.publicUrl) as unknown as Record<string, string | undefined>;
    const expected = ['token', 'register', 'revoke', 'introspect', 'manage', 'authorize']
      .filter((k) => endpoints[k])
      .map((k) => ({ url: k, valueUri: endpoints[k] }));
    expect(smart.extension).toEqual(expected);
    expect(smart.extension.map((e) => e.url)).toEqual(expect.arrayContaining(['token', 'manage']));
    expect(smart.extension.find((e) => e.url === 'token')?.valueUri).toBe(`${t.config.publicUrl}/auth/token`);
    // The person's own page for what they allowed apps (SMART's management endpoint), not the administrators' dashboard.
    expect(smart.extension.find((e) => e.url === 'manage')?.valueUri).toBe(`${t.config.publicUrl}/auth/account`);
  });

  it('lists exactly the served types, each with its interactions', () => {
    const resources = statement.rest[0].resource;
    expect(resources.map((r) => r.type)).toEqual([...SERVED_RESOURCE_TYPES, 'AuditEvent'].sort());
    for (const r of resources.filter((x) => x.type !== 'AuditEvent')) {
      expect(r.interaction.map((i) => i.code).sort()).toEqual([
        'create',
        'delete',
        'history-instance',
        'history-type',
        'patch',
        'read',
        'search-type',
        'update',
        'vread',
      ]);
      expect(r.searchParam.map((p) => p.name)).toEqual(expect.arrayContaining(['_id', '_lastUpdated']));
    }
  });

  it('lists the search parameters each type really supports, with their R4 definitions', () => {
    const params = (type: string) =>
      new Map(statement.rest[0].resource.find((r) => r.type === type)!.searchParam.map((p) => [p.name, p]));
    const patient = params('Patient');
    expect(patient.get('identifier')).toEqual({
      name: 'identifier',
      type: 'token',
      definition: 'http://hl7.org/fhir/SearchParameter/Patient-identifier',
    });
    expect(patient.get('family')?.type).toBe('string');
    expect(patient.get('given')?.type).toBe('string');
    expect(patient.get('name')?.type).toBe('string');
    expect(patient.get('birthdate')?.type).toBe('date');
    expect(patient.get('gender')?.type).toBe('token');
    expect(patient.has('phonetic')).toBe(false);
    for (const type of ['Condition', 'MedicationStatement', 'MedicationRequest']) {
      expect(params(type).get('patient')?.type).toBe('reference');
      expect(params(type).get('subject')?.type).toBe('reference');
    }
  });

  it('advertises only parameters that work: each one is accepted in strict mode', async () => {
    const { tokenFor } = await import('../support/test-app');
    const auth = `Bearer ${await tokenFor(t, 'system/*.read')}`;
    const sample: Record<string, string> = {
      token: 'x',
      string: 'x',
      date: '2020',
      reference: 'Patient/x',
      number: 'gt1.5',
      quantity: '5.4|http://unitsofmeasure.org|mg',
      uri: 'http://example.org/x',
    };
    // A composite's sample joins a sample of each of its components (R4 search.html#composite).
    const registry = SearchParameterRegistry.r4();
    const value = (type: string, name: string, paramType: string) =>
      paramType === 'composite'
        ? registry
            .get(type, name)!
            .composite!.components.map((c) => sample[c.type])
            .join('$')
        : sample[paramType];
    for (const r of statement.rest[0].resource) {
      for (const p of r.searchParam) {
        expect([r.type, p.name, value(r.type, p.name, p.type)]).toEqual([r.type, p.name, expect.any(String)]);
        await t.http
          .get(`/fhir/${r.type}`)
          .query({ [p.name]: value(r.type, p.name, p.type) })
          .set('Authorization', auth)
          .set('Prefer', 'handling=strict')
          .expect(200);
      }
    }
    // One search per advertised parameter (hundreds of requests): on a loaded CI machine this outlasts the 60 s default.
  }, 240_000);
});
