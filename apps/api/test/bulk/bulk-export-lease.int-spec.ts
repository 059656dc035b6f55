import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BulkExportJobEntity } from '../../src/bulk/bulk-export-job.entity';
import {
  createMysqlDatabase,
  createTestApp,
  databases,
  dropMysqlDatabase,
  TestApp,
  tokenFor,
} from '../support/test-app';
import { exportDir, Manifest, poll } from './bulk-support';

const PATIENTS = 3000;

/**
 * An instance whose own run outlives its lease (its event loop stalled past BULK_EXPORT_LEASE_SECONDS) keeps running
 * the job: it must not claim its own job again, which ran it twice at once or gave it up as interrupted (a 422).
 */
describe.each(databases())('Bulk Data export whose lease lapses while it runs, on %s', (db) => {
  let t: TestApp;
  let files: ReturnType<typeof exportDir>;
  let databaseUrl: string;

  beforeAll(async () => {
    files = exportDir();
    databaseUrl = db === 'mysql' ? await createMysqlDatabase() : `sqlite:${join(files.dir, 'lease.sqlite')}`;
    t = await createTestApp(
      db,
      {
        BULK_EXPORT_DIR: join(files.dir, 'exports'),
        BULK_EXPORT_RETRY_AFTER_SECONDS: '1',
        BULK_EXPORT_LEASE_SECONDS: '2',
        // Many small files: the export is still running when the event loop stalls.
        BULK_EXPORT_FILE_MAX_BYTES: '1024',
      },
      { databaseUrl },
    );
  });

  afterAll(async () => {
    await t.close();
    if (db === 'mysql') await dropMysqlDatabase(databaseUrl);
    files.remove();
  });

  it('finishes the job once, in one run, after a stall longer than its lease', async () => {
    const auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    for (let i = 0; i < PATIENTS; i += 500) {
      const entry = Array.from({ length: 500 }, (_, k) => ({
        resource: { resourceType: 'Patient', name: [{ family: `Lease${i + k}` }] },
        request: { method: 'POST', url: 'Patient' },
      }));
      await t.http
        .post('/fhir')
        .set('Authorization', auth)
        .set('Content-Type', 'application/fhir+json')
        .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }))
        .expect(200);
    }
    const jobs = t.app.get(DataSource).getRepository(BulkExportJobEntity);
    const kick = await t.http
      .get('/fhir/$export?_type=Patient')
      .set('Authorization', auth)
      .set('Prefer', 'respond-async')
      .expect(202);
    let job: BulkExportJobEntity | null = null;
    const deadline = Date.now() + 30_000;
    while ((job = await jobs.findOneByOrFail({}))?.status !== 'running' && Date.now() < deadline)
      await new Promise((r) => setImmediate(r));
    expect(job?.status).toBe('running');
    // The stall: nothing on this event loop runs for longer than the lease, the export's progress writes included.
    const until = Date.now() + 3_000;
    while (Date.now() < until);

    const done = await poll(t.http, kick.headers['content-location'], auth, 120_000);
    expect(done.status).toBe(200);
    const manifest = done.body as Manifest;
    expect(manifest.output.reduce((n, o) => n + o.count, 0)).toBe(PATIENTS);
    // Claimed once: the lapse did not make this instance start it again.
    expect((await jobs.findOneByOrFail({ id: job!.id })).attempts).toBe(1);
  }, 300_000);
});
