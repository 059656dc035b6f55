import { Client } from 'fhir-kit-client';
import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';
import { freePort } from '../support/free-port';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The HTTP status of a fhir-kit-client failure. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    return (e as { response?: { status?: number } }).response?.status ?? -1;
  }
}

// fhir-kit-client is a FHIR client library used by integrators: it uses the server from its base URL alone.
describe.each(databases())('fhir-kit-client against the server on %s', (db) => {
  let t: TestApp;
  let base: string;
  const client = (token: string) => new Client({ baseUrl: base, bearerToken: token });

  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    base = `${origin}/fhir`;
    t = await createTestApp(db, { PUBLIC_URL: origin });
    await t.app.listen({ port, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('finds the token endpoint from the server metadata', async () => {
    const auth = await new Client({ baseUrl: base }).smartAuthMetadata();
    expect(String(auth.tokenUrl)).toBe(`${base.replace(/\/fhir$/, '')}/auth/token`);
    const statement = (await new Client({ baseUrl: base }).capabilityStatement()) as Json;
    expect(statement.fhirVersion).toBe('4.0.1');
  });

  it('creates, reads, searches, pages, updates, patches, reads history and deletes', async () => {
    const fhir = client(await tokenFor(t, 'system/*.*'));
    const created = (await fhir.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'Kit', given: ['Fhir'] }], gender: 'female' },
    })) as Json;
    expect(created.meta.versionId).toBe('1');
    const read = (await fhir.read({ resourceType: 'Patient', id: created.id })) as Json;
    expect(read).toEqual(created);
    for (let i = 0; i < 3; i++)
      await fhir.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Kit' }] } });
    const page1 = (await fhir.search({ resourceType: 'Patient', searchParams: { family: 'kit', _count: 2 } })) as Json;
    expect(page1.total).toBe(4);
    const page2 = (await fhir.nextPage({ bundle: page1 as never })) as Json;
    expect(page2.entry).toHaveLength(2);
    const back = (await fhir.prevPage({ bundle: page2 as never })) as Json;
    expect(back.entry.map((e: Json) => e.resource.id)).toEqual(page1.entry.map((e: Json) => e.resource.id));
    const updated = (await fhir.update({
      resourceType: 'Patient',
      id: created.id,
      body: { ...read, resourceType: 'Patient', gender: 'other' },
    })) as Json;
    expect(updated.meta.versionId).toBe('2');
    const patched = (await fhir.patch({
      resourceType: 'Patient',
      id: created.id,
      jsonPatch: [{ op: 'replace', path: '/gender', value: 'male' }],
    })) as Json;
    expect(patched).toMatchObject({ gender: 'male', meta: { versionId: '3' } });
    const vread = (await fhir.vread({ resourceType: 'Patient', id: created.id, version: '2' })) as Json;
    expect(vread.gender).toBe('other');
    const history = (await fhir.history({ resourceType: 'Patient', id: created.id })) as Json;
    expect(history.entry).toHaveLength(3);
    await fhir.delete({ resourceType: 'Patient', id: created.id });
    expect(await statusOf(fhir.read({ resourceType: 'Patient', id: created.id }))).toBe(410);
  });

  it('sends transactions and batches', async () => {
    const fhir = client(await tokenFor(t, 'system/*.*'));
    const patient = 'urn:uuid:9a4c6d8e-1b2c-4d5e-8f90-123456789abc';
    const tx = (await fhir.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: patient,
            resource: { resourceType: 'Patient', name: [{ family: 'KitTx' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'Condition', subject: { reference: patient } },
            request: { method: 'POST', url: 'Condition' },
          },
        ],
      },
    })) as Json;
    expect(tx.type).toBe('transaction-response');
    expect(tx.entry[1].resource.subject.reference).toBe(`Patient/${tx.entry[0].resource.id}`);
    const batch = (await fhir.batch({
      body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient/unknown' } }] },
    })) as Json;
    expect(batch.entry[0].response.status).toBe('404');
  });

  it('leaks nothing: scopes and the patient compartment hold through the client too', async () => {
    const admin = client(await tokenFor(t, 'system/*.*'));
    const alice = (await admin.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'KitAlice' }] },
    })) as Json;
    const bob = (await admin.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'KitBob' }] },
    })) as Json;
    const bobCondition = (await admin.create({
      resourceType: 'Condition',
      body: { resourceType: 'Condition', subject: { reference: `Patient/${bob.id}` } },
    })) as Json;

    const patientOnly = client(await tokenFor(t, 'system/Patient.read'));
    const withRevinclude = (await patientOnly.search({
      resourceType: 'Patient',
      searchParams: { _id: bob.id, _revinclude: 'Condition:subject' },
    })) as Json;
    expect(withRevinclude.entry.filter((e: Json) => e.resource.resourceType === 'Condition')).toEqual([]);
    expect(
      await statusOf(
        patientOnly.search({
          resourceType: 'Patient',
          searchParams: { '_has:Condition:subject:_id': bobCondition.id },
        }),
      ),
    ).toBe(403);
    expect(await statusOf(patientOnly.read({ resourceType: 'Condition', id: bobCondition.id }))).toBe(403);

    const asAlice = client(await tokenFor(t, 'patient/*.read', { patient: alice.id }));
    expect(await statusOf(asAlice.read({ resourceType: 'Patient', id: bob.id }))).toBe(404);
    expect(await statusOf(asAlice.read({ resourceType: 'Condition', id: bobCondition.id }))).toBe(404);
    const mine = (await asAlice.search({
      resourceType: 'Patient',
      searchParams: { _revinclude: 'Condition:subject' },
    })) as Json;
    expect(mine.entry.map((e: Json) => e.resource.id)).toEqual([alice.id]);
    const conditions = (await asAlice.search({ resourceType: 'Condition' })) as Json;
    expect(conditions.total).toBe(0);
    expect(await statusOf(asAlice.history({ resourceType: 'Condition', id: bobCondition.id }))).toBe(404);
  });
});
