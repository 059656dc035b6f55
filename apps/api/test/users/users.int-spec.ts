import type { AuditRecord, DirectoryEntry, EndUser } from '@ccri/contracts';
import { DataSource } from 'typeorm';
import { JwtRejected } from '../../src/auth/keys/keys.service';
import { DomainError } from '../../src/common/errors/domain-error';
import { nhsNumber } from '../../src/fhir/demo/nhs-number';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/validation/nhs-number';
import { END_USER_SESSION } from '../../src/sessions/session-kinds';
import { SessionService } from '../../src/sessions/session.service';
import { EndUserEntity } from '../../src/users/end-user.entity';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, databases, FhirSession, resourceCreator, TestApp, tokenFor } from '../support/test-app';

const PASSWORD = 'correct horse battery';
const NHS = nhsNumber('999000011');

describe.each(databases())('End users on %s', (db) => {
  let t: TestApp;
  let session: FhirSession;
  let admin: string;
  const ids: Record<string, string> = {};
  const create = resourceCreator(() => session, ids);
  let counter = 0;
  const username = () => `person-${++counter}-${db}`;

  const newUser = (body: Record<string, unknown> = {}) =>
    t.http
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        username: username(),
        display_name: 'Amelia Jones',
        role: 'patient',
        fhir_user: `Patient/${ids.jones}`,
        password: PASSWORD,
        ...body,
      });

  const createUser = async (body: Record<string, unknown> = {}): Promise<EndUser> => {
    const res = await newUser(body);
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    return res.body as EndUser;
  };

  const users = () => t.app.get(UsersService);
  const sessions = () => t.app.get(SessionService);

  /** What `authenticate` refuses with: the audit reason of its DomainError. */
  const refusal = async (name: string, password: string): Promise<string | undefined> => {
    try {
      await users().authenticate(name, password, '203.0.113.9');
      return undefined;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return e.options.auditReason;
    }
  };

  const rejection = async (token: string): Promise<string | undefined> => {
    try {
      await users().verifySession(token);
      return undefined;
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      return e.reason;
    }
  };

  beforeAll(async () => {
    t = await createTestApp(db);
    session = { t, auth: `Bearer ${await tokenFor(t, 'system/*.*')}` };
    admin = `Bearer ${await t.adminToken()}`;
    await create('jones', {
      resourceType: 'Patient',
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: NHS }],
      name: [{ use: 'official', family: 'Jones', given: ['Amelia', 'Rose'], prefix: ['Mrs'] }],
      birthDate: '1956-03-14',
    });
    await create('khan', { resourceType: 'Patient', name: [{ family: 'Khan', given: ['Imran'] }] });
    await create('patel', {
      resourceType: 'Practitioner',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: '555000000999' }],
      name: [{ family: 'Patel', given: ['Priya'], prefix: ['Dr'] }],
    });
    await create('gone', { resourceType: 'Patient', name: [{ family: 'Gone' }] });
    await t.http.delete(`/fhir/Patient/${ids.gone}`).set('Authorization', session.auth).expect(204);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('management API', () => {
    it('creates a user linked to a Patient, never answering with the password', async () => {
      const name = username();
      const res = await newUser({ username: `  ${name.toUpperCase()} `, email: ' Amelia@Example.org ' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: name,
        display_name: 'Amelia Jones',
        email: 'amelia@example.org',
        role: 'patient',
        fhir_user: `Patient/${ids.jones}`,
        enabled: true,
        external_identities: [],
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(res.text).not.toContain(PASSWORD);
      expect(res.text).not.toMatch(/password|scrypt/i);
      const read = await t.http.get(`/api/users/${res.body.id}`).set('Authorization', admin).expect(200);
      expect(read.body).toEqual(res.body);
      expect((await users().authenticate(name, PASSWORD, '203.0.113.1')).id).toBe(res.body.id);
    });

    it('creates a practitioner linked to a Practitioner', async () => {
      const user = await createUser({ role: 'practitioner', fhir_user: `Practitioner/${ids.patel}` });
      expect(user).toMatchObject({ role: 'practitioner', fhir_user: `Practitioner/${ids.patel}` });
    });

    it('lists users with search, role filter and paging, without passwords', async () => {
      const marker = `zz-${db}-list`;
      await createUser({ username: `${marker}-a`, display_name: 'Listed One' });
      await createUser({
        username: `${marker}-b`,
        display_name: 'Listed Two',
        role: 'practitioner',
        fhir_user: `Practitioner/${ids.patel}`,
      });
      const all = await t.http.get('/api/users').query({ search: marker }).set('Authorization', admin).expect(200);
      expect(all.body.total).toBe(2);
      expect((all.body.items as EndUser[]).map((u) => u.username).sort()).toEqual([`${marker}-a`, `${marker}-b`]);
      expect(all.text).not.toMatch(/password|scrypt/i);
      const byName = await t.http.get('/api/users').query({ search: 'LISTED TWO' }).set('Authorization', admin);
      expect((byName.body.items as EndUser[]).map((u) => u.username)).toEqual([`${marker}-b`]);
      const practitioners = await t.http
        .get('/api/users')
        .query({ search: marker, role: 'practitioner' })
        .set('Authorization', admin)
        .expect(200);
      expect(practitioners.body).toMatchObject({ total: 1, items: [{ username: `${marker}-b` }] });
      const page2 = await t.http
        .get('/api/users')
        .query({ search: marker, limit: 1, page: 2 })
        .set('Authorization', admin)
        .expect(200);
      expect(page2.body.total).toBe(2);
      expect(page2.body.items).toHaveLength(1);
      const bad = await t.http.get('/api/users').query({ role: 'nurse', limit: 0 }).set('Authorization', admin);
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'role']);
    });

    it.each([
      ['username', { username: 'has space' }, /username must be/],
      ['username', { username: '' }, /username must be/],
      ['display_name', { display_name: '   ' }, /display_name must not be empty/],
      ['email', { email: 'not-an-address' }, /email must be an email address/],
      ['role', { role: 'nurse' }, /role must be one of patient, practitioner/],
      ['fhir_user', { fhir_user: 'Observation/1' }, /fhir_user must be Patient\/\{id\} or Practitioner\/\{id\}/],
      ['password', { password: 'short-pass' }, /password must be at least 12 characters/],
      ['password', { password: undefined }, /password must be at least 12 characters/],
      ['enabled', { enabled: 'yes' }, /enabled must be a boolean/],
    ])('refuses an invalid %s (%j) with a field error', async (field, body, message) => {
      const res = await newUser(body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(res.body.errors).toContainEqual({ field, message: expect.stringMatching(message) });
    });

    it.each([
      ['a Practitioner for a patient', 'patient', () => `Practitioner/${ids.patel}`, /Patient\/\{id\} for a patient/],
      ['a Patient for a practitioner', 'practitioner', () => `Patient/${ids.jones}`, /Practitioner\/\{id\} for a/],
      ['an unknown Patient', 'patient', () => 'Patient/no-such-patient', /does not exist in the FHIR store/],
      ['a deleted Patient', 'patient', () => `Patient/${ids.gone}`, /does not exist in the FHIR store/],
    ])('refuses %s as fhir_user', async (_, role, fhirUser, message) => {
      const res = await newUser({ role, fhir_user: fhirUser() }).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.errors).toEqual([{ field: 'fhir_user', message: expect.stringMatching(message) }]);
    });

    it('refuses a taken username (in any case) with 409 and a field error', async () => {
      const user = await createUser();
      const res = await newUser({ username: user.username.toUpperCase() }).expect(409);
      expect(res.body).toMatchObject({
        status: 409,
        code: 'username_taken',
        errors: [{ field: 'username', message: 'A user with this username exists already' }],
      });
    });

    it('refuses unknown fields, and answers 404 for an unknown user', async () => {
      const extra = await newUser({ password_hash: 'x' }).expect(400);
      expect(extra.body.errors).toContainEqual({ field: 'password_hash', message: expect.any(String) });
      for (const req of [
        t.http.get('/api/users/no-such-user'),
        t.http.patch('/api/users/no-such-user').send({ enabled: false }),
        t.http.delete('/api/users/no-such-user'),
        t.http.post('/api/users/no-such-user/sign-out'),
      ]) {
        const res = await req.set('Authorization', admin).expect(404);
        expect(res.body).toMatchObject({ status: 404, code: 'user_not_found' });
      }
      const long = await t.http
        .get(`/api/users/${'x'.repeat(80)}`)
        .set('Authorization', admin)
        .expect(404);
      expect(long.body.code).toBe('user_not_found');
    });

    it('changes names, email and role with its link; the username stays', async () => {
      const user = await createUser({ email: 'old@example.org' });
      const res = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({
          display_name: 'Dr Priya Patel',
          email: null,
          role: 'practitioner',
          fhir_user: `Practitioner/${ids.patel}`,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        id: user.id,
        username: user.username,
        display_name: 'Dr Priya Patel',
        email: null,
        role: 'practitioner',
        fhir_user: `Practitioner/${ids.patel}`,
      });
      const renamed = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ username: 'new-name' })
        .expect(400);
      expect(renamed.body.errors).toContainEqual({ field: 'username', message: expect.any(String) });
    });

    it('refuses a role change that leaves the link of the other type, and a link that does not exist', async () => {
      const user = await createUser();
      const roleOnly = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ role: 'practitioner' })
        .expect(400);
      expect(roleOnly.body.errors).toEqual([{ field: 'fhir_user', message: expect.stringMatching(/Practitioner/) }]);
      const unknown = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ fhir_user: 'Patient/nobody' })
        .expect(400);
      expect(unknown.body.errors).toEqual([{ field: 'fhir_user', message: expect.stringMatching(/does not exist/) }]);
      const short = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ password: 'short' })
        .expect(400);
      expect(short.body.errors).toContainEqual({ field: 'password', message: expect.stringMatching(/at least 12/) });
      const after = await t.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(200);
      expect(after.body).toMatchObject({ role: 'patient', fhir_user: `Patient/${ids.jones}` });
    });

    it('deletes a user: gone from the API and from sign-in', async () => {
      const user = await createUser();
      await t.http.delete(`/api/users/${user.id}`).set('Authorization', admin).expect(204);
      await t.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(404);
      expect(await refusal(user.username, PASSWORD)).toBe('invalid_credentials');
    });

    it('is documented in Swagger under the admin scheme, the password write-only', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/users',
          '/api/users/{id}',
          '/api/users/{id}/sign-out',
          '/api/directory/patients',
          '/api/directory/practitioners',
        ]),
      );
      expect(doc.paths['/api/users'].post.security).toEqual([{ admin: [] }]);
      expect(doc.components.schemas.CreateEndUserDto.properties.password).toMatchObject({
        writeOnly: true,
        minLength: 12,
      });
    });

    it('refuses every route without an administrator session', async () => {
      const user = await createUser();
      const developerish = `Bearer ${await tokenFor(t, 'system/*.read')}`;
      for (const auth of [undefined, developerish]) {
        for (const req of [
          t.http.get('/api/users'),
          t.http.get(`/api/users/${user.id}`),
          t.http.post('/api/users').send({}),
          t.http.patch(`/api/users/${user.id}`).send({ enabled: false }),
          t.http.delete(`/api/users/${user.id}`),
          t.http.post(`/api/users/${user.id}/sign-out`),
          t.http.get('/api/directory/patients'),
          t.http.get('/api/directory/practitioners'),
        ]) {
          const res = await (auth ? req.set('Authorization', auth) : req).expect(401);
          expect(res.body.status).toBe(401);
        }
      }
      await t.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(200);
    });
  });

  describe('sign-in and sessions', () => {
    it('a disabled account is refused with reason disabled, and its sessions end', async () => {
      const user = await createUser();
      const { token } = await sessions().issue(END_USER_SESSION, user.id);
      expect((await users().verifySession(token)).user.id).toBe(user.id);
      const res = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ enabled: false })
        .expect(200);
      expect(res.body.enabled).toBe(false);
      expect(await refusal(user.username, PASSWORD)).toBe('disabled');
      expect(await rejection(token)).toBeDefined();
      await t.http.patch(`/api/users/${user.id}`).set('Authorization', admin).send({ enabled: true }).expect(200);
      expect((await users().authenticate(user.username, PASSWORD, '203.0.113.2')).id).toBe(user.id);
      expect(await rejection(token)).toBe('revoked');
    });

    it('a password reset refuses the old password, accepts the new one and ends sessions', async () => {
      const user = await createUser();
      const { token } = await sessions().issue(END_USER_SESSION, user.id);
      const res = await t.http
        .patch(`/api/users/${user.id}`)
        .set('Authorization', admin)
        .send({ password: 'a brand new passphrase' })
        .expect(200);
      expect(res.text).not.toContain('a brand new passphrase');
      expect(await refusal(user.username, PASSWORD)).toBe('invalid_credentials');
      expect((await users().authenticate(user.username, 'a brand new passphrase', '203.0.113.3')).id).toBe(user.id);
      expect(await rejection(token)).toBe('revoked');
    });

    it('sign out everywhere ends sessions begun before it, recorded or not', async () => {
      const user = await createUser();
      const other = await createUser();
      const recorded = await sessions().issue(END_USER_SESSION, user.id);
      const others = await sessions().issue(END_USER_SESSION, other.id);
      await t.http.post(`/api/users/${user.id}/sign-out`).set('Authorization', admin).expect(204);
      expect(await rejection(recorded.token)).toBe('revoked');
      expect((await users().findById(user.id))!.sessionsValidAfter).toBeInstanceOf(Date);
      // A session whose revocation this instance has not seen (another instance's sign-in racing the sign-out) is
      // refused by its age alone: it began before the cut-off.
      const { token: racing } = await sessions().issue(END_USER_SESSION, user.id);
      expect((await users().verifySession(racing)).user.id).toBe(user.id);
      await t.app
        .get(DataSource)
        .getRepository(EndUserEntity)
        .update({ id: user.id }, { sessionsValidAfter: new Date(Date.now() + 1000) });
      expect(await rejection(racing)).toBe('revoked');
      // Someone else's session is untouched.
      expect((await users().verifySession(others.token)).user.id).toBe(other.id);
    });

    it('a session of another kind, or for a deleted account, is refused', async () => {
      const user = await createUser();
      const adminSession = admin.slice('Bearer '.length);
      expect(await rejection(adminSession)).toBeDefined();
      const { token } = await sessions().issue(END_USER_SESSION, user.id);
      await t.http.delete(`/api/users/${user.id}`).set('Authorization', admin).expect(204);
      expect(await rejection(token)).toBe('revoked');
    });
  });

  describe('directory', () => {
    const find = async (kind: string, search?: string): Promise<DirectoryEntry[]> =>
      (
        await t.http
          .get(`/api/directory/${kind}`)
          .query(search === undefined ? {} : { search })
          .set('Authorization', admin)
          .expect(200)
      ).body;

    it('finds a patient by family name (FHIR name semantics: start of a part, any case)', async () => {
      expect(await find('patients', 'jon')).toEqual([
        {
          reference: `Patient/${ids.jones}`,
          display: 'Mrs Amelia Rose Jones',
          birth_date: '1956-03-14',
          nhs_number: NHS,
        },
      ]);
      expect((await find('patients', 'AMELIA')).map((e) => e.reference)).toEqual([`Patient/${ids.jones}`]);
      expect(await find('patients', 'ones')).toEqual([]);
    });

    it('finds a patient by NHS number, written with or without spaces', async () => {
      expect((await find('patients', NHS)).map((e) => e.reference)).toEqual([`Patient/${ids.jones}`]);
      const spaced = `${NHS.slice(0, 3)} ${NHS.slice(3, 6)} ${NHS.slice(6)}`;
      expect((await find('patients', spaced)).map((e) => e.reference)).toEqual([`Patient/${ids.jones}`]);
      expect(await find('patients', nhsNumber('999000012'))).toEqual([]);
    });

    it('lists at most 20 live patients without a search, and finds practitioners', async () => {
      const all = await find('patients');
      expect(all.map((e) => e.reference).sort()).toEqual([`Patient/${ids.jones}`, `Patient/${ids.khan}`].sort());
      expect(all.find((e) => e.reference === `Patient/${ids.khan}`)).toEqual({
        reference: `Patient/${ids.khan}`,
        display: 'Imran Khan',
        birth_date: null,
        nhs_number: null,
      });
      expect(await find('practitioners', 'patel')).toEqual([
        { reference: `Practitioner/${ids.patel}`, display: 'Dr Priya Patel', birth_date: null, nhs_number: null },
      ]);
      expect((await find('practitioners', '555000000999')).map((e) => e.reference)).toEqual([
        `Practitioner/${ids.patel}`,
      ]);
    });

    it('refuses a search longer than 100 characters with a field error', async () => {
      const res = await t.http
        .get('/api/directory/patients')
        .query({ search: 'x'.repeat(101) })
        .set('Authorization', admin)
        .expect(400);
      expect(res.body.errors).toContainEqual({ field: 'search', message: expect.any(String) });
    });
  });

  describe('audit trail', () => {
    it('records create, update, delete and sign-out with the user id and the administrator', async () => {
      const user = await createUser();
      await t.http.patch(`/api/users/${user.id}`).set('Authorization', admin).send({ display_name: 'A' }).expect(200);
      await t.http.post(`/api/users/${user.id}/sign-out`).set('Authorization', admin).expect(204);
      await t.http.delete(`/api/users/${user.id}`).set('Authorization', admin).expect(204);
      await newUser({ password: 'short' }).expect(400);
      const res = await t.http.get('/api/audit').query({ type: 'admin', limit: 200 }).set('Authorization', admin);
      const mine = (res.body.items as AuditRecord[]).filter((r) => r.resource_id === user.id);
      expect(mine.map((r) => r.action).sort()).toEqual(['user.create', 'user.delete', 'user.sign_out', 'user.update']);
      for (const r of mine) {
        expect(r).toMatchObject({ category: 'admin', outcome: 'success', resource_type: 'EndUser' });
        expect(r.actor).toBe('test-admin');
      }
      const refused = (res.body.items as AuditRecord[]).find((r) => r.action === 'user.create' && r.status === 400);
      expect(refused).toMatchObject({ outcome: 'error', reason: 'validation_failed' });
    });
  });
});
