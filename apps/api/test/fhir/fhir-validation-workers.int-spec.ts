import { randomUUID } from 'node:crypto';
import { CRASH_TEST_ID } from '../../src/fhir/validation/validation-pool';
import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

const patient = (i: number, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: 'https://example.org/mrn', value: `MRN${i}` }],
  name: [{ family: `Worker${i % 7}`, given: [`Given${i}`] }],
  gender: i % 2 ? 'male' : 'female',
  birthDate: '1970-01-01',
  ...extra,
});

const bundle = (type: 'transaction' | 'batch', resources: Record<string, unknown>[]) => ({
  resourceType: 'Bundle',
  type,
  entry: resources.map((resource) => ({
    fullUrl: `urn:uuid:${randomUUID()}`,
    resource,
    request: { method: 'POST', url: resource.resourceType },
  })),
});

/**
 * Transaction and batch Bundles and large writes are validated on worker threads (VALIDATION_WORKERS): the answers
 * are those of the event loop (VALIDATION_WORKERS=0), a transaction stays all or nothing, and a worker that dies fails
 * only the request it was validating, after which the pool has replaced it.
 */
describe.each(databases())('FHIR validation on worker threads on %s', (db) => {
  let workers: TestApp;
  let inline: TestApp;
  const auth: Record<string, string> = {};
  beforeAll(async () => {
    [workers, inline] = await Promise.all([createTestApp(db), createTestApp(db, { VALIDATION_WORKERS: '0' })]);
    auth.workers = `Bearer ${await tokenFor(workers, 'system/*.*')}`;
    auth.inline = `Bearer ${await tokenFor(inline, 'system/*.*')}`;
  });
  afterAll(() => Promise.all([workers?.close(), inline?.close()]));

  const post = (app: 'workers' | 'inline', path: string, body: object) =>
    (app === 'workers' ? workers : inline).http
      .post(path)
      .set('Authorization', auth[app])
      .set('Content-Type', 'application/fhir+json')
      .send(body);
  const count = async (family: string) =>
    (
      await workers.http
        .get('/fhir/Patient')
        .query({ family, _summary: 'count' })
        .set('Authorization', auth.workers)
        .expect(200)
    ).body.total as number;

  it('answers an invalid transaction entry as the event loop does, and writes nothing', async () => {
    const resources = Array.from({ length: 60 }, (_, i) => patient(i, { name: [{ family: 'TxInvalid' }] }));
    resources[41] = patient(41, { birthDate: 'yesterday', colour: 'blue', name: [{ family: 'TxInvalid' }] });
    const body = bundle('transaction', resources);
    const [onWorkers, onLoop] = await Promise.all([post('workers', '/fhir', body), post('inline', '/fhir', body)]);
    expect(onWorkers.status).toBe(422);
    expect(onWorkers.body).toEqual(onLoop.body);
    expect(JSON.stringify(onWorkers.body)).toContain('Bundle.entry[41].resource.birthDate');
    expect(await count('TxInvalid')).toBe(0);
  });

  it('answers each entry of a batch as the event loop does', async () => {
    const resources = Array.from({ length: 40 }, (_, i) =>
      i % 10 === 3 ? patient(i, { gender: 'robot' }) : patient(i, { name: [{ family: 'BatchMixed' }] }),
    );
    const body = bundle('batch', resources);
    const [onWorkers, onLoop] = await Promise.all([post('workers', '/fhir', body), post('inline', '/fhir', body)]);
    expect(onWorkers.status).toBe(200);
    const outcomes = (r: typeof onWorkers) =>
      (r.body.entry as { response: { status: string; outcome?: unknown } }[]).map((e) => [
        e.response.status,
        e.response.outcome,
      ]);
    expect(outcomes(onWorkers)).toEqual(outcomes(onLoop));
    expect(outcomes(onWorkers).filter(([status]) => status === '422')).toHaveLength(4);
    expect(await count('BatchMixed')).toBe(36);
  });

  it('answers a large single write as the event loop does', async () => {
    const names = Array.from({ length: 120 }, (_, i) => ({ family: `Large${i}`, given: ['A', 'B'] }));
    const body = patient(1, { name: names, birthDate: '31/12/1970' });
    const [onWorkers, onLoop] = await Promise.all([
      post('workers', '/fhir/Patient', body),
      post('inline', '/fhir/Patient', body),
    ]);
    expect(onWorkers.status).toBe(422);
    expect(onWorkers.body).toEqual(onLoop.body);
    const valid = await post('workers', '/fhir/Patient', { ...body, birthDate: '1970-12-31' });
    expect(valid.status).toBe(201);
  });

  it('fails only the request whose worker dies, in the documented shape, and the pool recovers', async () => {
    const doomed: Record<string, unknown>[] = Array.from({ length: 60 }, (_, i) =>
      patient(i, { name: [{ family: 'Doomed' }] }),
    );
    doomed[30] = { ...doomed[30], id: CRASH_TEST_ID };
    const fine = Array.from({ length: 60 }, (_, i) => patient(i, { name: [{ family: 'Alongside' }] }));
    const [crashed, alongside] = await Promise.all([
      post('workers', '/fhir', bundle('transaction', doomed)),
      post('workers', '/fhir', bundle('transaction', fine)),
    ]);
    expect(crashed.status).toBe(500);
    expect(crashed.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        expect.objectContaining({
          severity: 'error',
          code: 'exception',
          diagnostics: expect.stringMatching(/validator stopped.*nothing was written/),
        }),
      ],
    });
    expect(crashed.text).not.toMatch(/at .*\.js:\d+|WorkerCrashError/);
    expect(alongside.status).toBe(200);
    expect(await count('Doomed')).toBe(0);
    expect(await count('Alongside')).toBe(60);
    // The worker was replaced: the next transaction is validated and written.
    const again = Array.from({ length: 60 }, (_, i) => patient(i, { name: [{ family: 'AfterCrash' }] }));
    expect((await post('workers', '/fhir', bundle('transaction', again))).status).toBe(200);
    expect(await count('AfterCrash')).toBe(60);
  });
});
