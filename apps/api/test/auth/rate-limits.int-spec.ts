import { basic, createClient, createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases())('abuse limits on %s', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(db, { RATE_LIMIT_CLIENT_PER_MINUTE: '3', RATE_LIMIT_TOKEN_PER_MINUTE: '8' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const ask = (c: { client_id: string; client_secret: string }) =>
    t.http
      .post('/auth/token')
      .set('Authorization', basic(c.client_id, c.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials' });

  it('limits token requests per client, with RateLimit headers and a 429 carrying Retry-After, audited', async () => {
    const client = await createClient(t, 'system/Patient.read');
    const first = await ask(client).expect(200);
    expect(first.headers['ratelimit-limit-client']).toBe('3');
    expect(first.headers['ratelimit-remaining-client']).toBe('2');
    expect(first.headers['ratelimit-limit']).toBe('8');
    await ask(client).expect(200);
    await ask(client).expect(200);
    const refused = await ask(client).expect(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await t.http
      .get(`/api/audit?client_id=${client.client_id}&outcome=denied`)
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ status: 429, reason: 'rate_limited_client' });
  });

  it("honours a client's own limit", async () => {
    const client = await createClient(t, 'system/Patient.read', { rate_limit_per_minute: 1 });
    await ask(client).expect(200);
    await ask(client).expect(429);
  });

  it('limits requests per address across clients', async () => {
    const a = await createClient(t, 'system/Patient.read');
    const b = await createClient(t, 'system/Patient.read');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) for (const c of [a, b]) statuses.push((await ask(c)).status);
    expect(statuses).toContain(429);
    const refused = await ask(a);
    expect(refused.status).toBe(429);
    expect(refused.body.error_description).toMatch(/Too many requests/);
  });
});

describe('repeated failed client authentication', () => {
  it('grows a delay after three failures', async () => {
    const t = await createTestApp('sqlite');
    try {
      const client = await createClient(t, 'system/Patient.read');
      const wrong = { client_id: client.client_id, client_secret: 'guess' };
      const timed = async () => {
        const started = Date.now();
        await t.http
          .post('/auth/token')
          .set('Authorization', basic(wrong.client_id, wrong.client_secret))
          .type('form')
          .send({ grant_type: 'client_credentials' })
          .expect(401);
        return Date.now() - started;
      };
      for (let i = 0; i < 3; i++) expect(await timed()).toBeLessThan(200);
      expect(await timed()).toBeGreaterThanOrEqual(240);
      expect(await timed()).toBeGreaterThanOrEqual(490);
      // The right secret still works and clears the count.
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(client.client_id, client.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
    } finally {
      await t.close();
    }
  });
});
