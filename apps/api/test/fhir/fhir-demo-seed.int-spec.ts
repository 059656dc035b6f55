import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from '../../src/fhir/validation/nhs-number';
import { FhirDemoSeeder } from '../../src/fhir/fhir-demo.seeder';
import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

describe.each(databases())('FHIR demo data on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const search = async (type: string, query: Record<string, string> = {}) =>
    (
      await t.http
        .get(`/fhir/${type}`)
        .query({ _count: '100', ...query })
        .set('Authorization', auth)
        .expect(200)
    ).body as {
      total: number;
      entry: { resource: Record<string, unknown> & { id: string } }[];
    };

  beforeAll(async () => {
    t = await createTestApp(db, { DEMO_MODE: 'true' });
    auth = `Bearer ${await tokenFor(t, 'system/*.read')}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('seeds UK patients with valid NHS numbers', async () => {
    const patients = await search('Patient');
    expect(patients.total).toBe(5);
    for (const { resource } of patients.entry) {
      const nhs = (resource.identifier as { system: string; value: string }[]).find(
        (i) => i.system === NHS_NUMBER_SYSTEM,
      );
      expect(nhsNumberProblem(nhs!.value)).toBeNull();
      expect(resource).toMatchObject({
        gender: expect.any(String),
        birthDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }
  });

  it('seeds conditions and medications that reference the patients', async () => {
    const patients = await search('Patient');
    const jones = patients.entry.find((e) => (e.resource.name as { family: string }[])[0].family === 'Jones')!.resource
      .id;
    const conditions = await search('Condition', { patient: jones });
    expect(conditions.total).toBe(2);
    expect(conditions.entry[0].resource.code).toMatchObject({ coding: [{ system: 'http://snomed.info/sct' }] });
    expect((await search('MedicationStatement', { subject: `Patient/${jones}` })).total).toBe(2);
    expect((await search('MedicationRequest', { patient: jones })).total).toBe(2);
    expect((await search('Medication')).total).toBe(3);
    expect((await search('Organization')).total).toBe(2);
  });

  it('does nothing when patients exist already', async () => {
    await t.app.get(FhirDemoSeeder).seed();
    expect((await search('Patient')).total).toBe(5);
    expect((await search('Condition')).total).toBe(6);
  });
});
