import { parseDateSearchValue } from '../../common/fhir-search/fhir-date';
import { SearchCondition } from './search-condition';
import { conditionSql, searchSql } from './search-sql';
import { uriAncestors } from './search-sql-values';

describe('search SQL', () => {
  it('prefix-matches strings by an index range on SQLite and LIKE on MySQL, escaping wildcards', () => {
    const cond: SearchCondition = { kind: 'string', param: 'family', modifier: 'default', values: ['100%_x!'] };
    const sqlite = conditionSql('Patient', cond, 'sqlite');
    expect(sqlite.sql).toContain('i.value_normalized >= ? AND i.value_normalized < ?');
    expect(sqlite.params).toEqual(['Patient', 'family', '100%_x!', '100%_x!\u{10FFFF}']);
    const mysql = conditionSql('Patient', cond, 'mysql');
    expect(mysql.sql).toContain("i.value_normalized LIKE ? ESCAPE '!'");
    expect(mysql.params).toEqual(['Patient', 'family', '100!%!_x!!%']);
  });

  it('compares tokens byte for byte on MySQL, whose collations fold case', () => {
    const cond: SearchCondition = { kind: 'token', param: 'gender', values: [{ system: '', code: 'male' }] };
    expect(conditionSql('Patient', cond, 'sqlite').sql).toContain("i.token_system = '' AND i.token_code = ?");
    expect(conditionSql('Patient', cond, 'mysql').sql).toContain('CAST(i.token_code AS BINARY) = CAST(? AS BINARY)');
  });

  it('bounds an eq date on both columns so the range is closed', () => {
    const d = parseDateSearchValue('1970-05')!;
    const sql = conditionSql('Patient', { kind: 'date', param: 'birthdate', values: [d] }, 'sqlite');
    expect(sql.sql).toContain('(i.range_low >= ? AND i.range_low <= ? AND i.range_high <= ?)');
    expect(sql.params.slice(2)).toEqual([d.range.low, d.range.high, d.range.high]);
  });

  it('compares _lastUpdated as ISO instants on the resource row', () => {
    const sql = conditionSql('Patient', { kind: 'lastUpdated', values: [parseDateSearchValue('gt2020')!] }, 'mysql');
    expect(sql).toEqual({ sql: 'r.last_updated > ?', params: ['2020-12-31T23:59:59.999Z'] });
  });

  it('tests an index condition with IN when walking pages and with EXISTS when another condition drives', () => {
    const gender: SearchCondition = { kind: 'token', param: 'gender', values: [{ code: 'male' }] };
    const family: SearchCondition = { kind: 'string', param: 'family', modifier: 'default', values: ['smith'] };
    const walk = searchSql('Patient', [gender, family], 'sqlite', { count: 20, offset: 0 });
    expect(walk.page.sql).toContain('INDEXED BY idx_fhir_resources_page');
    expect(walk.page.sql.match(/r\.id IN \(SELECT/g)).toHaveLength(2);
    expect(walk.page.sql).toMatch(/ORDER BY r\.last_updated ASC, r\.id ASC LIMIT 21$/);
    const driven = searchSql('Patient', [gender, family], 'mysql', { count: 20, offset: 40 }, family);
    expect(driven.page.sql).toContain('STRAIGHT_JOIN fhir_resources r');
    expect(driven.page.sql).toContain(
      'EXISTS (SELECT 1 FROM fhir_token_index i WHERE i.resource_id = r.id AND i.resource_type = ? AND i.param = ?',
    );
    expect(driven.page.sql).toMatch(/ LIMIT 21 OFFSET 40$/);
    expect(driven.page.params).not.toContain(21);
    expect(driven.count.sql).toMatch(/^SELECT COUNT\(\*\) AS total FROM \(SELECT DISTINCT/);
  });

  it('matches nothing for an empty alternative', () => {
    expect(conditionSql('Patient', { kind: 'none' }, 'sqlite').sql).toBe('1 = 0');
    expect(conditionSql('Patient', { kind: 'or', items: [] }, 'sqlite').sql).toBe('1 = 0');
  });
});

describe('keyset paging and sort SQL', () => {
  it('continues after a cursor on (last_updated, id) with an index-friendly predicate', () => {
    const q = searchSql('Patient', [], 'sqlite', {
      count: 10,
      offset: 0,
      cursor: { direction: 'after', values: ['2020-01-01T00:00:00.000Z', 'abc'] },
    });
    expect(q.page.sql).toContain('(r.last_updated > ? OR (r.last_updated = ? AND r.id > ?))');
    expect(q.page.params.slice(-3)).toEqual(['2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'abc']);
    expect(q.page.sql).toMatch(/ LIMIT 11$/);
    expect(q.keys).toBe(2);
  });

  it('reads backwards before a cursor, in reverse order', () => {
    const q = searchSql('Patient', [], 'mysql', {
      count: 10,
      offset: 0,
      cursor: { direction: 'before', values: ['2020-01-01T00:00:00.000Z', 'abc'] },
    });
    expect(q.page.sql).toContain('(r.last_updated < ? OR (r.last_updated = ? AND r.id < ?))');
    expect(q.page.sql).toMatch(/ORDER BY r\.last_updated DESC, r\.id DESC/);
  });

  it('sorts by parameter values (lowest ascending, highest descending), missing values last', () => {
    const q = searchSql('Patient', [], 'sqlite', {
      count: 5,
      offset: 0,
      sort: [
        { source: 'index', table: 'string', param: 'family', descending: false },
        { source: 'index', table: 'date', param: 'birthdate', descending: true },
      ],
      cursor: { direction: 'after', values: ['smith', null, '2020-01-01T00:00:00.000Z', 'x'] },
    });
    expect(q.keys).toBe(4);
    expect(q.page.sql).toContain('(SELECT MIN(s0.value_normalized) FROM fhir_string_index s0');
    expect(q.page.sql).toContain('(SELECT MAX(s1.range_high) FROM fhir_date_index s1');
    expect(q.page.sql).toContain(
      'ORDER BY (t.k0 IS NULL) ASC, t.k0 ASC, (t.k1 IS NULL) ASC, t.k1 DESC, t.lu ASC, t.id ASC',
    );
    // After a missing birthdate only missing birthdates follow (for the same family).
    expect(q.page.sql).toContain('((t.k0 IS NULL OR t.k0 > ?) OR (t.k0 = ? AND (t.k1 IS NULL AND (t.lu > ?');
  });

  it('can leave the order to the caller', () => {
    const q = searchSql('Patient', [{ kind: 'id', ids: ['a'] }], 'mysql', { count: 5, offset: 0 }, undefined, {
      unordered: true,
    });
    expect(q.page.sql).not.toContain('ORDER BY');
  });

  it('names the ancestors of a URI for :above', () => {
    expect(uriAncestors('http://a.org/fhir/ValueSet/x')).toEqual([
      'http://a.org/fhir/ValueSet/x',
      'http://a.org/fhir/ValueSet',
      'http://a.org/fhir',
      'http://a.org',
    ]);
  });

  it('nests chains and _has as id sets with their own aliases', () => {
    const chain: SearchCondition = {
      kind: 'chain',
      params: ['subject'],
      targets: [
        { type: 'Patient', conditions: [{ kind: 'string', param: 'family', modifier: 'default', values: ['smith'] }] },
      ],
    };
    const has: SearchCondition = {
      kind: 'has',
      sourceType: 'Observation',
      param: 'subject',
      conditions: [
        { kind: 'token', param: 'code', values: [{ code: 'x' }] },
        { kind: 'id', ids: ['o1'] },
      ],
    };
    const c = conditionSql('Observation', chain, 'sqlite');
    expect(c.sql).toContain(
      'i.target_type = ? AND i.target_id IN (SELECT i1.resource_id AS resource_id FROM fhir_string_index i1',
    );
    const h = conditionSql('Patient', has, 'sqlite');
    expect(h.sql).toContain('SELECT i.target_id AS resource_id FROM fhir_reference_index i');
    expect(h.sql).toContain(
      'JOIN fhir_resources r1 ON r1.resource_type = ? AND r1.id = d1.resource_id WHERE (r1.deleted = 0 AND r1.id IN (?))',
    );
  });
});
