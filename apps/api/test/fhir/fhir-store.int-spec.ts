import { DataSource } from 'typeorm';
import { FHIR_ENTITIES } from '../../src/fhir/fhir.module';
import { SERVED_RESOURCE_TYPES } from '../../src/fhir/fhir-resource-types';
import { IndexExtractor } from '../../src/fhir/search/index-extractor';
import { SearchCondition } from '../../src/fhir/search/search-condition';
import { SearchParameterRegistry } from '../../src/fhir/search/search-parameter-registry';
import { parseSearchRequest, QueryValues } from '../../src/fhir/search/search-request-parser';
import { searchSql } from '../../src/fhir/search/search-sql';
import { MysqlResourceStore } from '../../src/fhir/store/mysql-resource-store';
import { ResourceStore } from '../../src/fhir/store/resource-store';
import { SqliteResourceStore } from '../../src/fhir/store/sqlite-resource-store';
import { createMysqlDatabase, databases, dropMysqlDatabase } from '../support/test-app';

const BASE = 'http://test/fhir';
const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);
const extractor = new IndexExtractor(registry, BASE);

/**
 * The store below the HTTP layer, on a schema synchronised from the entities: versioning, and the search SQL in every
 * join order the stores may choose (page walk with IN, or driven by one condition with EXISTS for the others).
 */
describe.each(databases())('the FHIR resource store on %s', (db) => {
  let dataSource: DataSource;
  let store: ResourceStore;
  let mysqlUrl: string | undefined;

  const put = (type: string, id: string, resource: Record<string, unknown>) =>
    store.put(type, id, (versionId, lastUpdated) => {
      const stored = { ...resource, resourceType: type, id, meta: { versionId: String(versionId), lastUpdated } };
      return { content: JSON.stringify(stored), rows: extractor.extract(type, stored) };
    });

  beforeAll(async () => {
    if (db === 'mysql') mysqlUrl = await createMysqlDatabase();
    dataSource = new DataSource(
      mysqlUrl
        ? { type: 'mysql', url: mysqlUrl, entities: FHIR_ENTITIES, synchronize: true, charset: 'utf8mb4_unicode_ci' }
        : { type: 'better-sqlite3', database: ':memory:', entities: FHIR_ENTITIES, synchronize: true },
    );
    await dataSource.initialize();
    store = mysqlUrl ? new MysqlResourceStore(dataSource) : new SqliteResourceStore(dataSource);
    const families = ['Smith', 'Smythe', 'Jones', 'Brontë', 'Smith-Jones'];
    for (let i = 0; i < 40; i++) {
      await put('Patient', `p${i}`, {
        name: [{ family: families[i % 5], given: [i % 3 ? 'Ann' : 'Zoë'] }],
        gender: i % 2 ? 'male' : 'female',
        birthDate: `${1950 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
        identifier: [{ system: 'urn:nhs', value: String(9000 + i) }],
      });
      await put('Condition', `c${i}`, {
        subject: { reference: `Patient/p${i % 7}` },
        code: { coding: [{ system: 'urn:sct', code: String(i % 4) }] },
      });
    }
    await store.delete('Patient', 'p5');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (mysqlUrl) await dropMysqlDatabase(mysqlUrl);
  });

  it('writes versions and history in one transaction, and reads by primary key', async () => {
    const { version, created } = await put('Patient', 'v', { gender: 'male' });
    expect(created).toBe(true);
    const second = await put('Patient', 'v', { gender: 'female' });
    expect(second.created).toBe(false);
    expect(second.version.versionId).toBe(2);
    expect((await store.read('Patient', 'v'))?.content).toBe(second.version.content);
    expect((await store.vread('Patient', 'v', 1))?.content).toBe(version.content);
    const deleted = await store.delete('Patient', 'v');
    expect(deleted).toMatchObject({ versionId: 3, deleted: true, content: null });
    expect(await store.delete('Patient', 'v')).toMatchObject({ versionId: 3 });
    expect(await store.delete('Patient', 'never')).toBeNull();
    expect(await store.read('Patient', 'never')).toBeNull();
  });

  async function run(
    type: string,
    conditions: SearchCondition[],
    drive?: SearchCondition,
  ): Promise<{ total: number; ids: string[] }> {
    const q = searchSql(type, conditions, store.dialect, { count: 1000, offset: 0 }, drive);
    const [{ total }] = (await dataSource.query(q.count.sql, q.count.params)) as { total: number | string }[];
    const ids = ((await dataSource.query(q.page.sql, q.page.params)) as { id: string }[]).map((r) => r.id);
    return { total: Number(total), ids };
  }

  it.each<[string, QueryValues]>([
    ['Patient', { family: 'smi' }],
    ['Patient', { family: 'smi', gender: 'male' }],
    ['Patient', { 'family:exact': 'Brontë', given: 'zoe' }],
    ['Patient', { 'family:contains': 'ont', birthdate: 'ge1960' }],
    ['Patient', { birthdate: ['ge1955', 'lt1970'], gender: 'female,male' }],
    ['Patient', { identifier: 'urn:nhs|9003,9005,9010', _lastUpdated: 'gt2000' }],
    ['Patient', { _id: 'p1,p2,p3,p5', gender: 'male' }],
    ['Condition', { patient: 'Patient/p1', code: 'urn:sct|1' }],
    ['Condition', { subject: 'p2,p3', code: '2,3' }],
  ])('%s %j: every join order finds the same page, without deleted resources', async (type, query) => {
    const { conditions } = parseSearchRequest(type, query, registry, { strict: true, fhirBase: BASE });
    const walk = await run(type, conditions);
    expect(walk.total).toBe(walk.ids.length);
    expect(walk.total).toBeGreaterThan(0);
    expect(walk.ids).not.toContain('p5');
    for (const drive of conditions) expect(await run(type, conditions, drive)).toEqual(walk);
    const page = await store.search(type, conditions, { count: 1000, offset: 0, total: true });
    expect({ total: page.total, ids: page.entries.map((e) => e.id) }).toEqual(walk);
  });

  it('answers matches() for one resource, ignoring deleted ones', async () => {
    const inCompartment: SearchCondition = {
      kind: 'reference',
      params: ['subject'],
      values: [{ type: 'Patient', id: 'p1' }],
    };
    expect(await store.matches('Condition', 'c1', inCompartment)).toBe(true);
    expect(await store.matches('Condition', 'c2', inCompartment)).toBe(false);
    expect(await store.matches('Patient', 'p5', { kind: 'id', ids: ['p5'] })).toBe(false);
  });

  it('pages with the total and a stable order', async () => {
    const first = await store.search('Patient', [], { count: 10, offset: 0, total: true });
    const second = await store.search('Patient', [], { count: 10, offset: 10, total: true });
    expect(first.total).toBe(39);
    expect(new Set([...first.entries, ...second.entries].map((e) => e.id)).size).toBe(20);
  });
});
