import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryEntry, EndUser } from '@ccri/contracts';
import { DEMO_PATIENTS, DEMO_PRACTITIONERS } from '../../src/fhir/demo/demo-data';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, databases, TestApp } from '../support/test-app';

/** Starts an app in demo mode and returns what it printed to stdout while starting. */
async function startDemo(
  db: 'sqlite' | 'mysql',
  env: Record<string, string>,
  shared?: { databaseUrl: string },
): Promise<{ app: TestApp; printed: string }> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    const app = await createTestApp(db, { DEMO_MODE: 'true', ...env }, shared);
    return { app, printed: writes.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe.each(databases())('Demo users on %s', (db) => {
  const apps: TestApp[] = [];
  let dir: string | undefined;
  let shared: { databaseUrl: string } | undefined;
  let first: { app: TestApp; printed: string };

  const demoUsers = async (t: TestApp): Promise<EndUser[]> => {
    const res = await t.http
      .get('/api/users')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    return (res.body.items as EndUser[]).sort((a, b) => a.username.localeCompare(b.username));
  };
  const printedPassword = (printed: string) => /password: (\S+)/.exec(printed)?.[1];

  beforeAll(async () => {
    if (db === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'ccri-demo-users-'));
      shared = { databaseUrl: `sqlite:${join(dir, 'demo.sqlite')}` };
    }
    first = await startDemo(db, {}, shared);
    apps.push(first.app);
    shared ??= { databaseUrl: first.app.databaseUrl };
  });

  afterAll(async () => {
    for (const t of apps.reverse()) await t.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('seeds a patient and a practitioner linked to demo resources that exist', async () => {
    const t = first.app;
    const admin = `Bearer ${await t.adminToken()}`;
    const [patient, practitioner] = await demoUsers(t);
    expect(patient).toMatchObject({ username: 'patient', role: 'patient', enabled: true });
    expect(practitioner).toMatchObject({ username: 'practitioner', role: 'practitioner', enabled: true });

    const jones = DEMO_PATIENTS[0];
    const [entry] = (
      await t.http.get('/api/directory/patients').query({ search: jones.nhsNumber }).set('Authorization', admin)
    ).body as DirectoryEntry[];
    expect(patient.fhir_user).toBe(entry.reference);
    expect(patient.display_name).toBe(entry.display);
    expect(patient.display_name).toContain(jones.family);

    const patel = DEMO_PRACTITIONERS[0];
    const [doctor] = (
      await t.http.get('/api/directory/practitioners').query({ search: patel.family }).set('Authorization', admin)
    ).body as DirectoryEntry[];
    expect(practitioner.fhir_user).toBe(doctor.reference);
    expect(practitioner.display_name).toContain(patel.family);
    expect(
      (await t.http.get('/api/directory/practitioners').set('Authorization', admin)).body as DirectoryEntry[],
    ).toHaveLength(DEMO_PRACTITIONERS.length);
  });

  it('prints the generated password once, and it signs both users in', async () => {
    const password = printedPassword(first.printed);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.printed).toContain('patient');
    expect(first.printed).toContain('practitioner');
    const users = first.app.app.get(UsersService);
    expect((await users.authenticate('patient', password!, '203.0.113.20')).role).toBe('patient');
    expect((await users.authenticate('practitioner', password!, '203.0.113.20')).role).toBe('practitioner');
  });

  it('a restart neither duplicates the users nor changes their password, and prints nothing', async () => {
    const before = await demoUsers(first.app);
    const second = await startDemo(db, {}, shared);
    apps.push(second.app);
    expect(second.printed).not.toMatch(/password:/);
    const after = await demoUsers(second.app);
    expect(after).toEqual(before);
    const password = printedPassword(first.printed)!;
    expect((await second.app.app.get(UsersService).authenticate('patient', password, '203.0.113.21')).id).toBe(
      before[0].id,
    );
  });

  it('DEMO_USER_PASSWORD sets the password of the existing demo users', async () => {
    const third = await startDemo(db, { DEMO_USER_PASSWORD: 'demo-user-password-42' }, shared);
    apps.push(third.app);
    expect(third.printed).not.toMatch(/password:/);
    const users = third.app.app.get(UsersService);
    expect((await users.authenticate('practitioner', 'demo-user-password-42', '203.0.113.22')).username).toBe(
      'practitioner',
    );
    expect(await demoUsers(third.app)).toHaveLength(2);
  });
});
