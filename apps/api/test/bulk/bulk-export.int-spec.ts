import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BulkExportRunner } from '../../src/bulk/bulk-export-runner';
import { createClient, createTestApp, databases, getToken, TestApp, tokenFor } from '../support/test-app';
import { download, exportDir, Manifest, pathOf, poll } from './bulk-support';

type Resource = Record<string, unknown> & { resourceType: string; id: string };

describe.each(databases())('FHIR Bulk Data export on %s', (db) => {
  let t: TestApp;
  let files: ReturnType<typeof exportDir>;
  let admin: string;
  const ids: Record<string, string> = {};

  async function create(resource: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post(`/fhir/${resource.resourceType as string}`)
      .set('Authorization', admin)
      .send(resource);
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  function kickOff(path: string, auth: string, extra: Record<string, string> = {}) {
    return t.http
      .get(path)
      .set('Authorization', auth)
      .set('Accept', 'application/fhir+json')
      .set('Prefer', 'respond-async')
      .set(extra);
  }

  /** Kick-off → poll → every file downloaded: the resources by type, and the error outcomes. */
  async function exportAll(
    path: string,
    auth: string,
  ): Promise<{ manifest: Manifest; byType: Record<string, Resource[]>; errors: Resource[] }> {
    const res = await kickOff(path, auth);
    if (res.status !== 202) throw new Error(JSON.stringify(res.body));
    const location = res.headers['content-location'];
    expect(location).toMatch(/^http:\/\/ccri\.test\/fhir\/\$export-status\/[0-9a-f-]{36}$/);
    const done = await poll(t.http, location, auth);
    expect(done.status).toBe(200);
    const manifest = done.body as Manifest;
    expect(manifest.requiresAccessToken).toBe(true);
    const byType: Record<string, Resource[]> = {};
    for (const out of manifest.output) {
      const lines = (await download(t.http, out.url, auth)) as Resource[];
      expect(lines).toHaveLength(out.count);
      for (const r of lines) expect(r.resourceType).toBe(out.type);
      (byType[out.type] ??= []).push(...lines);
    }
    const errors: Resource[] = [];
    for (const e of manifest.error) errors.push(...((await download(t.http, e.url, auth)) as Resource[]));
    return { manifest, byType, errors };
  }

  const idsOf = (rs: Resource[] | undefined) => (rs ?? []).map((r) => r.id).sort();

  beforeAll(async () => {
    files = exportDir();
    t = await createTestApp(db, { BULK_EXPORT_DIR: files.dir, BULK_EXPORT_RETRY_AFTER_SECONDS: '1' });
    admin = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    ids.alice = await create({ resourceType: 'Patient', name: [{ family: 'Alice' }] });
    ids.bob = await create({ resourceType: 'Patient', name: [{ family: 'Bob' }] });
    ids.carol = await create({ resourceType: 'Patient', name: [{ family: 'Carol' }] });
    ids.org = await create({ resourceType: 'Organization', name: 'Clinic' });
    ids.aliceDiabetes = await create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.alice}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
    });
    ids.aliceAsthma = await create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.alice}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001' }] },
    });
    ids.bobDiabetes = await create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.bob}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
    });
    ids.carolObs = await create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${ids.carol}` },
    });
    ids.group = await create({
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: `Patient/${ids.alice}` } }, { entity: { reference: `Patient/${ids.carol}` } }],
    });
  });

  afterAll(async () => {
    await t.close();
    files.remove();
  });

  it('declares the export operations in the CapabilityStatement', async () => {
    const res = await t.http.get('/fhir/metadata').expect(200);
    const rest = res.body.rest[0];
    expect(rest.operation).toEqual([
      { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
    ]);
    const op = (type: string) => rest.resource.find((r: { type: string }) => r.type === type).operation;
    expect(op('Patient')).toEqual([
      { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' },
    ]);
    expect(op('Group')).toEqual([
      { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' },
    ]);
  });

  it('exports every resource at system level, one NDJSON file per type', async () => {
    const { manifest, byType, errors } = await exportAll('/fhir/$export', admin);
    expect(manifest.request).toBe('http://ccri.test/fhir/$export');
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(idsOf(byType.Patient)).toEqual([ids.alice, ids.bob, ids.carol].sort());
    expect(idsOf(byType.Condition)).toEqual([ids.aliceDiabetes, ids.aliceAsthma, ids.bobDiabetes].sort());
    expect(idsOf(byType.Organization)).toEqual([ids.org]);
    expect(idsOf(byType.Group)).toEqual([ids.group]);
    expect(errors).toEqual([]);
  });

  it('exports only the types of _type', async () => {
    const { byType } = await exportAll('/fhir/$export?_type=Patient,Observation', admin);
    expect(Object.keys(byType).sort()).toEqual(['Observation', 'Patient']);
  });

  it('exports only what changed after _since', async () => {
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const late = await create({ resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` } });
    const { byType } = await exportAll(`/fhir/$export?_since=${encodeURIComponent(since)}`, admin);
    expect(Object.keys(byType)).toEqual(['Condition']);
    expect(idsOf(byType.Condition)).toEqual([late]);
    await t.http.delete(`/fhir/Condition/${late}`).set('Authorization', admin).expect(204);
  });

  it('applies _typeFilter searches to their type', async () => {
    const filter = encodeURIComponent('Condition?code=http://snomed.info/sct|44054006');
    const { byType } = await exportAll(`/fhir/$export?_type=Condition,Patient&_typeFilter=${filter}`, admin);
    expect(idsOf(byType.Condition)).toEqual([ids.aliceDiabetes, ids.bobDiabetes].sort());
    expect(byType.Patient).toHaveLength(3);
  });

  it('exports the patient compartments at Patient level, and one patient with POST patient', async () => {
    const all = await exportAll('/fhir/Patient/$export', admin);
    expect(all.byType.Organization).toBeUndefined();
    // R4 CompartmentDefinition: a Group is in its members' compartments (Group.member).
    expect(idsOf(all.byType.Group)).toEqual([ids.group]);
    expect(all.byType.Patient).toHaveLength(3);
    const res = await t.http
      .post('/fhir/Patient/$export')
      .set('Authorization', admin)
      .set('Prefer', 'respond-async')
      .set('Content-Type', 'application/fhir+json')
      .send({
        resourceType: 'Parameters',
        parameter: [
          { name: 'patient', valueReference: { reference: `Patient/${ids.bob}` } },
          { name: '_outputFormat', valueString: 'application/fhir+ndjson' },
        ],
      });
    expect(res.status).toBe(202);
    const manifest = (await poll(t.http, res.headers['content-location'], admin)).body as Manifest;
    const types = Object.fromEntries(manifest.output.map((o) => [o.type, o.count]));
    expect(types).toEqual({ Patient: 1, Condition: 1 });
    expect(manifest.request).toBe('http://ccri.test/fhir/Patient/$export');
  });

  it('exports only the Group members’ compartments at Group level', async () => {
    const { byType } = await exportAll(`/fhir/Group/${ids.group}/$export`, admin);
    expect(idsOf(byType.Patient)).toEqual([ids.alice, ids.carol].sort());
    expect(idsOf(byType.Condition)).toEqual([ids.aliceDiabetes, ids.aliceAsthma].sort());
    expect(idsOf(byType.Observation)).toEqual([ids.carolObs]);
    await kickOff('/fhir/Group/no-such-group/$export', admin).expect(404);
  });

  it('leaves out the types the token may not read and names them in error[]', async () => {
    const auth = `Bearer ${await tokenFor(t, 'system/Patient.rs')}`;
    const { byType, errors, manifest } = await exportAll('/fhir/$export?_type=Patient,Condition', auth);
    expect(Object.keys(byType)).toEqual(['Patient']);
    expect(manifest.error).toHaveLength(1);
    expect(manifest.error[0].type).toBe('OperationOutcome');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('Condition');
  });

  it('keeps a patient-context token inside its patient’s compartment', async () => {
    const auth = `Bearer ${await tokenFor(t, 'patient/*.read', { patient: ids.alice })}`;
    const { byType } = await exportAll('/fhir/$export?_type=Patient,Condition,Observation', auth);
    expect(idsOf(byType.Patient)).toEqual([ids.alice]);
    expect(idsOf(byType.Condition)).toEqual([ids.aliceDiabetes, ids.aliceAsthma].sort());
    expect(byType.Observation).toBeUndefined();
  });

  it('refuses bad kick-offs with an OperationOutcome, and ignores unknown parameters when lenient', async () => {
    const noPrefer = await t.http.get('/fhir/$export').set('Authorization', admin).expect(400);
    expect(noPrefer.body.resourceType).toBe('OperationOutcome');
    const unknown = await kickOff('/fhir/$export?_bogus=1', admin).expect(400);
    expect(unknown.body.issue[0].diagnostics).toContain('_bogus');
    await kickOff('/fhir/$export?_outputFormat=text/csv', admin).expect(400);
    await kickOff('/fhir/$export?_since=yesterday', admin).expect(400);
    await kickOff('/fhir/$export?_type=NotAType', admin).expect(400);
    await kickOff('/fhir/$export?_typeFilter=Condition%3Fnope%3D1', admin).expect(400);
    await kickOff('/fhir/$export?_elements=id', admin).expect(400);
    await kickOff('/fhir/$export?patient=Patient/x', admin).expect(400);
    const lenient = await kickOff('/fhir/$export?_bogus=1&_type=Patient', admin, {
      Prefer: 'respond-async, handling=lenient',
    }).expect(202);
    expect((await poll(t.http, lenient.headers['content-location'], admin)).status).toBe(200);
    await t.http.get('/fhir/$export').set('Prefer', 'respond-async').expect(401);
  });

  it('serves the status and the files only to the client that started the export', async () => {
    const { manifest } = await exportAll('/fhir/$export?_type=Patient', admin);
    const res = await kickOff('/fhir/$export?_type=Patient', admin).expect(202);
    const location = res.headers['content-location'];
    await poll(t.http, location, admin);
    const other = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    const refused = await t.http.get(pathOf(location)).set('Authorization', other).expect(404);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    await t.http.get(pathOf(manifest.output[0].url)).set('Authorization', other).expect(404);
    await t.http.delete(pathOf(location)).set('Authorization', other).expect(404);
    await t.http.get(pathOf(manifest.output[0].url)).expect(401);
  });

  it('cancels an export with DELETE and removes its files', async () => {
    const res = await kickOff('/fhir/$export', admin).expect(202);
    const location = res.headers['content-location'];
    const id = location.split('/').pop()!;
    const done = await poll(t.http, location, admin);
    const manifest = done.body as Manifest;
    expect(existsSync(join(files.dir, id))).toBe(true);
    await t.http.delete(pathOf(location)).set('Authorization', admin).expect(202);
    expect(existsSync(join(files.dir, id))).toBe(false);
    await t.http.get(pathOf(location)).set('Authorization', admin).expect(404);
    await t.http.get(pathOf(manifest.output[0].url)).set('Authorization', admin).expect(404);
  });

  it('deletes jobs and files past their retention', async () => {
    const res = await kickOff('/fhir/$export?_type=Patient', admin).expect(202);
    const location = res.headers['content-location'];
    const id = location.split('/').pop()!;
    const manifest = (await poll(t.http, location, admin)).body as Manifest;
    const runner = t.app.get(BulkExportRunner);
    // Within BULK_EXPORT_RETENTION_HOURS (24 by default) nothing goes.
    await runner.sweep(new Date(Date.now() + 23 * 3600_000));
    await t.http.get(pathOf(manifest.output[0].url)).set('Authorization', admin).expect(200);
    await runner.sweep(new Date(Date.now() + 25 * 3600_000));
    expect(readdirSync(files.dir)).not.toContain(id);
    await t.http.get(pathOf(location)).set('Authorization', admin).expect(404);
    await t.http.get(pathOf(manifest.output[0].url)).set('Authorization', admin).expect(404);
  });

  it('records kick-off, completion, download and cancel in the audit trail with client and counts', async () => {
    const client = await createClient(t, 'system/Patient.rs');
    const auth = `Bearer ${await getToken(t, client)}`;
    const { manifest } = await exportAll('/fhir/$export?_type=Patient', auth);
    const res = await t.http
      .get('/api/audit')
      .query({ client_id: client.client_id, limit: 100 })
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    const actions = (res.body.items as { action: string; reason: string | null }[]).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['bulk-export.kick-off', 'bulk-export.complete', 'bulk-export.download', 'bulk-export']),
    );
    const complete = res.body.items.find((r: { action: string }) => r.action === 'bulk-export.complete');
    expect(complete.reason).toBe(`3 resources in ${manifest.output.length} files`);
  });
});

describe.each(databases())('FHIR Bulk Data export jobs waiting to run on %s', (db) => {
  let t: TestApp;
  let files: ReturnType<typeof exportDir>;

  beforeAll(async () => {
    files = exportDir();
    t = await createTestApp(db, {
      BULK_EXPORT_DIR: files.dir,
      BULK_EXPORT_RETRY_AFTER_SECONDS: '2',
      BULK_EXPORT_MAX_ACTIVE_PER_CLIENT: '2',
    });
    // This instance runs no jobs (as if every runner were busy): they stay queued.
    await t.app.get(BulkExportRunner).onApplicationShutdown();
  });

  afterAll(async () => {
    await t.close();
    files.remove();
  });

  it('answers 202 with X-Progress and Retry-After, 429 to a poll sooner than that, and 429 past the active-job limit', async () => {
    const client = await createClient(t, 'system/*.read');
    const auth = `Bearer ${await getToken(t, client)}`;
    const start = () => t.http.get('/fhir/$export').set('Authorization', auth).set('Prefer', 'respond-async');
    const first = await start().expect(202);
    const location = first.headers['content-location'];
    const status = await t.http.get(pathOf(location)).set('Authorization', auth).expect(202);
    expect(status.headers['x-progress']).toBe('Queued');
    expect(status.headers['retry-after']).toBe('2');
    const tooSoon = await t.http.get(pathOf(location)).set('Authorization', auth).expect(429);
    expect(tooSoon.headers['retry-after']).toBe('2');
    expect(tooSoon.body.resourceType).toBe('OperationOutcome');
    await start().expect(202);
    const third = await start().expect(429);
    expect(third.body.resourceType).toBe('OperationOutcome');
    // A cancelled job no longer counts.
    await t.http.delete(pathOf(location)).set('Authorization', auth).expect(202);
    await start().expect(202);
    const list = await t.http
      .get('/api/bulk-exports')
      .query({ client_id: client.client_id })
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((j: { status: string }) => j.status).sort()).toEqual(['cancelled', 'queued', 'queued']);
  });
});
