import { parseDateSearchValue } from './fhir-date';
import { SearchCondition } from './search-condition';
import { conditionSql, searchSql } from './search-sql';

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
    expect(walk.page.sql).toMatch(/ORDER BY r\.last_updated ASC, r\.id ASC LIMIT \? OFFSET \?$/);
    const driven = searchSql('Patient', [gender, family], 'mysql', { count: 20, offset: 40 }, family);
    expect(driven.page.sql).toContain('STRAIGHT_JOIN fhir_resources r');
    expect(driven.page.sql).toContain(
      'EXISTS (SELECT 1 FROM fhir_token_index i WHERE i.resource_id = r.id AND i.resource_type = ? AND i.param = ?',
    );
    expect(driven.page.params.slice(-2)).toEqual([21, 40]);
    expect(driven.count.sql).toMatch(/^SELECT COUNT\(\*\) AS total FROM \(SELECT DISTINCT/);
  });

  it('matches nothing for an empty alternative', () => {
    expect(conditionSql('Patient', { kind: 'none' }, 'sqlite').sql).toBe('1 = 0');
    expect(conditionSql('Patient', { kind: 'or', items: [] }, 'sqlite').sql).toBe('1 = 0');
  });
});
