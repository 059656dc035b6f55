import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

interface Bundle {
  total?: number;
  link: { relation: string; url: string }[];
  entry?: { resource: { id: string } }[];
}

/**
 * Paging links continue from the entry next to them (a cursor on the order keys), so a page never shifts when other
 * resources are written while a client pages (R4 http.html#paging: "stable" links).
 */
describe.each(databases())('FHIR paging under concurrent inserts on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const marker = `paging-${Date.now()}`;
  const original: string[] = [];
  let inserted = 0;

  const basic = (year: number) => ({ resourceType: 'Basic', code: { text: marker }, created: `${year}-06-01` });
  const insert = async (year: number) => {
    inserted++;
    return t.http.post('/fhir/Basic').set('Authorization', auth).send(basic(year)).expect(201);
  };

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    for (let i = 0; i < 25; i++) original.push((await insert(2000 + ((i * 7) % 25))).body.id);
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each([[{}], [{ _sort: 'created' }], [{ _sort: '-created,_id' }], [{ _sort: '-_lastUpdated' }]])(
    'sees every resource exactly once with %j while others are inserted',
    async (order) => {
      const seen: string[] = [];
      let bundle = (
        await t.http
          .get('/fhir/Basic')
          .query({ 'code:text': marker, _count: '4', ...order })
          .set('Authorization', auth)
          .expect(200)
      ).body as Bundle;
      let year = 2000;
      for (;;) {
        seen.push(...(bundle.entry ?? []).map((e) => e.resource.id));
        const next = bundle.link.find((l) => l.relation === 'next');
        if (!next) break;
        // New matching resources land before, between and after the pages while the next page is read.
        const [res] = await Promise.all([
          t.http.get(next.url.slice(t.config.publicUrl.length)).set('Authorization', auth).expect(200),
          insert(year++),
          insert(2024 - (year % 25)),
          insert(1990 + (year % 40)),
        ]);
        bundle = res.body as Bundle;
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of original) expect(seen).toContain(id);
      expect(inserted).toBeGreaterThan(25);
    },
  );
});
