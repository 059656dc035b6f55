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
import { exportDir, Manifest, pathOf, poll } from './bulk-support';

/** Two API instances on one database and one export folder, as behind a load balancer. */
describe.each(databases())('Bulk Data export with two instances on one %s database', (db) => {
  let a: TestApp;
  let b: TestApp;
  let files: ReturnType<typeof exportDir>;
  let databaseUrl: string;

  beforeAll(async () => {
    files = exportDir();
    databaseUrl = db === 'mysql' ? await createMysqlDatabase() : `sqlite:${join(files.dir, 'shared.sqlite')}`;
    const env = {
      BULK_EXPORT_DIR: join(files.dir, 'exports'),
      BULK_EXPORT_RETRY_AFTER_SECONDS: '1',
      BULK_EXPORT_MAX_ACTIVE_PER_CLIENT: '6',
    };
    a = await createTestApp(db, env, { databaseUrl });
    b = await createTestApp(db, env, { databaseUrl });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    if (db === 'mysql') await dropMysqlDatabase(databaseUrl);
    files.remove();
  });

  it('runs each job on exactly one instance, and either instance answers its status and files', async () => {
    const auth = `Bearer ${await tokenFor(a, 'system/*.*')}`;
    for (let i = 0; i < 20; i++)
      await a.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .send({ resourceType: 'Patient', name: [{ family: `Twin${i}` }] })
        .expect(201);
    const locations: string[] = [];
    for (let i = 0; i < 6; i++) {
      const via = i % 2 === 0 ? a : b;
      const res = await via.http
        .get('/fhir/$export?_type=Patient')
        .set('Authorization', auth)
        .set('Prefer', 'respond-async')
        .expect(202);
      locations.push(res.headers['content-location']);
    }
    for (const [i, location] of locations.entries()) {
      const done = await poll((i % 2 === 0 ? b : a).http, location, auth);
      expect(done.status).toBe(200);
      const manifest = done.body as Manifest;
      expect(manifest.output.reduce((n, o) => n + o.count, 0)).toBe(20);
      await (i % 2 === 0 ? a : b).http.get(pathOf(manifest.output[0].url)).set('Authorization', auth).expect(200);
    }
    const jobs = await a.app.get(DataSource).getRepository(BulkExportJobEntity).find();
    expect(jobs).toHaveLength(6);
    // Claimed once each: no job was started twice.
    expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
    const audit = await a.http
      .get('/api/audit')
      .query({ limit: 200 })
      .set('Authorization', `Bearer ${await a.adminToken()}`)
      .expect(200);
    const completions = (audit.body.items as { action: string; resource_id: string }[]).filter(
      (r) => r.action === 'bulk-export.complete',
    );
    expect(completions.map((r) => r.resource_id).sort()).toEqual(jobs.map((j) => j.id).sort());
  });
});
