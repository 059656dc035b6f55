import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

/** A token with a patient context and only patient/ scopes is confined to that patient's compartment (DESIGN.md §Scopes). */
describe.each(databases())('FHIR patient compartment on %s', (db) => {
  let t: TestApp;
  let system: string;
  const ids: Record<string, string> = {};

  const create = async (resource: Record<string, unknown>) =>
    (
      await t.http
        .post(`/fhir/${resource.resourceType as string}`)
        .set('Authorization', system)
        .send(resource)
        .expect(201)
    ).body.id as string;
  const bearer = async (scope: string, patient?: string) =>
    `Bearer ${await tokenFor(t, scope, patient ? { patient } : {})}`;
  const total = async (auth: string, type: string, query: Record<string, string> = {}) =>
    (await t.http.get(`/fhir/${type}`).query(query).set('Authorization', auth).expect(200)).body.total as number;

  beforeAll(async () => {
    t = await createTestApp(db);
    system = await bearer('system/*.*');
    ids.alice = await create({ resourceType: 'Patient', name: [{ family: 'Alice' }] });
    ids.bob = await create({ resourceType: 'Patient', name: [{ family: 'Bob' }] });
    ids.aliceLinked = await create({
      resourceType: 'Patient',
      name: [{ family: 'Alias' }],
      link: [{ other: { reference: `Patient/${ids.alice}` }, type: 'seealso' }],
    });
    ids.aliceCondition = await create({ resourceType: 'Condition', subject: { reference: `Patient/${ids.alice}` } });
    ids.bobCondition = await create({ resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` } });
    ids.assertedByAlice = await create({
      resourceType: 'Condition',
      subject: { reference: 'Group/g' },
      asserter: { reference: `Patient/${ids.alice}` },
    });
    ids.aliceStatement = await create({
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: { reference: `Patient/${ids.alice}` },
      medicationCodeableConcept: { text: 'x' },
    });
    ids.bobStatement = await create({
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: { reference: `Patient/${ids.bob}` },
      medicationCodeableConcept: { text: 'x' },
    });
    ids.bobRequest = await create({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${ids.bob}` },
      medicationCodeableConcept: { text: 'x' },
    });
    ids.medication = await create({ resourceType: 'Medication', code: { text: 'Metformin' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('reading', () => {
    let alice: string;
    beforeAll(async () => {
      alice = await bearer('patient/*.read', ids.alice);
    });

    it('reads its own Patient, and answers 404 (not 403) for another', async () => {
      await t.http.get(`/fhir/Patient/${ids.alice}`).set('Authorization', alice).expect(200);
      const other = await t.http.get(`/fhir/Patient/${ids.bob}`).set('Authorization', alice).expect(404);
      expect(other.body.issue[0].code).toBe('not-found');
      await t.http.get(`/fhir/Patient/${ids.bob}/_history/1`).set('Authorization', alice).expect(404);
    });

    it('reads a Patient linked to its own', async () => {
      await t.http.get(`/fhir/Patient/${ids.aliceLinked}`).set('Authorization', alice).expect(200);
    });

    it('reads clinical resources in the compartment only', async () => {
      await t.http.get(`/fhir/Condition/${ids.aliceCondition}`).set('Authorization', alice).expect(200);
      await t.http.get(`/fhir/Condition/${ids.assertedByAlice}`).set('Authorization', alice).expect(200);
      await t.http.get(`/fhir/Condition/${ids.bobCondition}`).set('Authorization', alice).expect(404);
      await t.http.get(`/fhir/MedicationStatement/${ids.aliceStatement}`).set('Authorization', alice).expect(200);
      await t.http.get(`/fhir/MedicationStatement/${ids.bobStatement}`).set('Authorization', alice).expect(404);
      await t.http.get(`/fhir/MedicationRequest/${ids.bobRequest}`).set('Authorization', alice).expect(404);
    });

    it('confines searches to the compartment, whatever the query asks', async () => {
      expect(await total(alice, 'Patient')).toBe(2);
      expect(await total(alice, 'Patient', { family: 'bob' })).toBe(0);
      expect(await total(alice, 'Patient', { _id: ids.bob })).toBe(0);
      expect(await total(alice, 'Condition')).toBe(2);
      expect(await total(alice, 'Condition', { subject: `Patient/${ids.bob}` })).toBe(0);
      expect(await total(alice, 'MedicationStatement')).toBe(1);
      expect(await total(alice, 'MedicationStatement', { patient: ids.bob })).toBe(0);
      expect(await total(alice, 'MedicationRequest')).toBe(0);
    });

    it('does not confine types without patient data', async () => {
      await t.http.get(`/fhir/Medication/${ids.medication}`).set('Authorization', alice).expect(200);
      expect(await total(alice, 'Medication')).toBe(1);
    });

    it('sees everything with the same scopes and no patient context (the CCRI behaviour)', async () => {
      const noContext = await bearer('patient/*.read');
      await t.http.get(`/fhir/Patient/${ids.bob}`).set('Authorization', noContext).expect(200);
      expect(await total(noContext, 'Condition')).toBe(3);
    });

    it('is not confined when a user/ or system/ scope grants the access', async () => {
      const user = await bearer('user/Condition.read patient/Condition.read', ids.alice);
      expect(await total(user, 'Condition')).toBe(3);
    });
  });

  describe('writing', () => {
    let alice: string;
    beforeAll(async () => {
      alice = await bearer('patient/Condition.read patient/Condition.write patient/Patient.write', ids.alice);
    });

    it('creates only inside the compartment', async () => {
      await t.http
        .post('/fhir/Condition')
        .set('Authorization', alice)
        .send({ resourceType: 'Condition', subject: { reference: `Patient/${ids.alice}` } })
        .expect(201);
      const refused = await t.http
        .post('/fhir/Condition')
        .set('Authorization', alice)
        .send({ resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` } })
        .expect(403);
      expect(refused.body.resourceType).toBe('OperationOutcome');
      expect(refused.body.issue[0].code).toBe('forbidden');
    });

    it('cannot move a resource out of the compartment or overwrite one outside it', async () => {
      await t.http
        .put(`/fhir/Condition/${ids.aliceCondition}`)
        .set('Authorization', alice)
        .send({ resourceType: 'Condition', id: ids.aliceCondition, subject: { reference: `Patient/${ids.bob}` } })
        .expect(403);
      await t.http
        .put(`/fhir/Condition/${ids.bobCondition}`)
        .set('Authorization', alice)
        .send({ resourceType: 'Condition', id: ids.bobCondition, subject: { reference: `Patient/${ids.alice}` } })
        .expect(403);
      await t.http
        .put(`/fhir/Patient/${ids.bob}`)
        .set('Authorization', alice)
        .send({ resourceType: 'Patient', id: ids.bob })
        .expect(403);
    });

    it('deletes inside the compartment, and answers 404 outside it', async () => {
      await t.http.delete(`/fhir/Condition/${ids.bobCondition}`).set('Authorization', alice).expect(404);
      await t.http.get(`/fhir/Condition/${ids.bobCondition}`).set('Authorization', system).expect(200);
      const mine = (
        await t.http
          .post('/fhir/Condition')
          .set('Authorization', alice)
          .send({ resourceType: 'Condition', subject: { reference: `Patient/${ids.alice}` } })
          .expect(201)
      ).body.id;
      await t.http.delete(`/fhir/Condition/${mine}`).set('Authorization', alice).expect(204);
    });
  });

  describe('SMART v2 scope restrictions', () => {
    it('limits reads and searches to what the scope query allows', async () => {
      const restricted = await bearer(`system/Condition.rs?subject=Patient/${ids.alice}`);
      const bundle = (await t.http.get('/fhir/Condition').set('Authorization', restricted).expect(200)).body;
      const subjects = (bundle.entry as { resource: { subject: { reference: string } } }[]).map(
        (e) => e.resource.subject.reference,
      );
      expect(subjects.length).toBeGreaterThan(0);
      expect(new Set(subjects)).toEqual(new Set([`Patient/${ids.alice}`]));
      await t.http.get(`/fhir/Condition/${ids.aliceCondition}`).set('Authorization', restricted).expect(200);
      await t.http.get(`/fhir/Condition/${ids.assertedByAlice}`).set('Authorization', restricted).expect(404);
    });

    it('checks writes under a restricted scope against the restriction (SMART 2.x finer-grained constraints)', async () => {
      const restricted = await bearer(`system/Condition.c?subject=Patient/${ids.alice}`);
      await t.http
        .post('/fhir/Condition')
        .set('Authorization', restricted)
        .send({ resourceType: 'Condition', subject: { reference: `Patient/${ids.alice}` } })
        .expect(201);
      const res = await t.http
        .post('/fhir/Condition')
        .set('Authorization', restricted)
        .send({ resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` } })
        .expect(403);
      expect(res.body.issue[0].code).toBe('forbidden');
    });
  });
});
