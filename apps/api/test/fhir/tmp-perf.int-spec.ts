import { randomUUID } from 'node:crypto';
import { nhsNumber } from '../../src/fhir/demo/nhs-number';
import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

function validNhs(i: number): string {
  for (let n = 900000000 + i * 2; ; n++) {
    try {
      return nhsNumber(String(n));
    } catch {
      /* next */
    }
  }
}

function patient(i: number) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: validNhs(i) }],
    name: [{ family: `Surname${i % 5000}`, given: [`Given${i % 997}`] }],
    gender: i % 2 ? 'male' : 'female',
    birthDate: `19${String(40 + (i % 60)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 9}`,
  };
}

describe.each(databases())('perf on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
  });
  afterAll(async () => t?.close());
  it('ingests', async () => {
    for (let b = 0; b < 4; b++) {
      const entry = Array.from({ length: 500 }, (_, i) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource: patient(b * 500 + i), request: { method: 'POST', url: 'Patient' } }));
      const started = performance.now();
      const res = await t.http.post('/fhir').set('Authorization', auth).set('Prefer', 'return=minimal').send({ resourceType: 'Bundle', type: 'transaction', entry });
      console.log(db, res.status, Math.round(performance.now() - started), 'ms', res.status !== 200 ? res.text.slice(0, 500) : '');
    }
  });
});
