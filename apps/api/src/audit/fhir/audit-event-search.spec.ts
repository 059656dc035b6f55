import { DomainError } from '../../common/errors/domain-error';
import { instantRange, parseAuditEventSearch } from './audit-event-search';

const BASE = 'http://ccri.test/fhir';
const iso = (ms: number) => new Date(ms).toISOString();

describe('instantRange (R4 search.html#date)', () => {
  it.each<[string, string, string]>([
    ['2024', '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z', '2024-05-01T23:59:59.999Z'],
    ['2024-05-01T10:00', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:59.999Z'],
    ['2024-05-01T10:00:05Z', '2024-05-01T10:00:05.000Z', '2024-05-01T10:00:05.999Z'],
    ['2024-05-01T10:00:05.1Z', '2024-05-01T10:00:05.100Z', '2024-05-01T10:00:05.199Z'],
    ['2024-05-01T10:00:05.123Z', '2024-05-01T10:00:05.123Z', '2024-05-01T10:00:05.123Z'],
    ['2024-05-01T11:00:05+01:00', '2024-05-01T10:00:05.000Z', '2024-05-01T10:00:05.999Z'],
    ['2024-12-31', '2024-12-31T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
  ])('%s covers %s to %s', (value, low, high) => {
    const r = instantRange(value)!;
    expect([iso(r.low), iso(r.high)]).toEqual([low, high]);
  });

  it.each(['yesterday', '2024-13', '2024-02-30', '2024-05-01T25:00', '24-05-01', "2024' OR 1=1 --"])(
    'refuses %s',
    (value) => {
      expect(instantRange(value)).toBeNull();
    },
  );
});

describe('parseAuditEventSearch', () => {
  it('binds every value as a parameter', () => {
    const evil = "x' OR '1'='1";
    const { conditions } = parseAuditEventSearch(
      { agent: evil, 'agent-name': evil, _id: evil, 'entity-type': evil, subtype: evil },
      BASE,
    );
    for (const c of conditions) expect(c.sql).not.toContain(evil);
    expect(conditions.flatMap((c) => Object.values(c.params))).toContain(evil);
  });

  it('ignores parameters it does not serve', () => {
    expect(
      parseAuditEventSearch({ _sort: '-date', _format: 'json', patient: 'Patient/1', 'unknown:exact': 'x' }, BASE),
    ).toEqual({ conditions: [] });
  });

  it('ANDs repeated parameters and ORs comma-separated values', () => {
    const { conditions } = parseAuditEventSearch({ date: ['ge2024-01-01', 'lt2024-02-01'], agent: 'a,b' }, BASE);
    expect(conditions).toHaveLength(3);
    expect(conditions[2].sql).toMatch(/^\(a\.client_id = :ae\d+ OR a\.client_id = :ae\d+\)$/);
    expect(Object.values(conditions[2].params)).toEqual(['a', 'b']);
  });

  it('gives every placeholder its own name', () => {
    const { conditions } = parseAuditEventSearch({ type: '110114', subtype: '110122,read', outcome: '4,8' }, BASE);
    const names = conditions.flatMap((c) => Object.keys(c.params));
    expect(new Set(names).size).toBe(names.length);
    for (const c of conditions)
      for (const n of c.sql.match(/:ae\d+/g) ?? []) expect(c.params).toHaveProperty(n.slice(1));
  });

  it.each<[Record<string, string>]>([
    [{ type: 'http://example.org|rest' }],
    [{ outcome: '3' }],
    [{ 'entity-type': 'http://example.org|Patient' }],
    [{ entity: 'not a reference!' }],
    [{ subtype: 'http://example.org|read' }],
  ])('matches nothing for a value no AuditEvent carries: %j', (params) => {
    expect(parseAuditEventSearch(params, BASE).conditions).toEqual([{ sql: '1 = 0', params: {} }]);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ date: 'yesterday' }, /not a FHIR date/],
    [{ date: 'ap2024-01-01' }, /"ap" is not supported/],
    [{ _count: '-1' }, /_count/],
    [{ _count: 'ten' }, /_count/],
    [{ 'outcome:not': '0' }, /Modifier ":not"/],
    [{ 'agent-name:below': 'x' }, /Modifier ":below"/],
    [{ 'entity:missing': 'true' }, /Modifier ":missing"/],
  ])('refuses %j with a 400', (params, message) => {
    let error: unknown;
    try {
      parseAuditEventSearch(params, BASE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 400, code: 'audit_invalid_search', options: { fhirIssue: 'invalid' } });
    expect((error as Error).message).toMatch(message);
  });

  it('takes _count, capped at 1000', () => {
    expect(parseAuditEventSearch({ _count: '5' }, BASE).count).toBe(5);
    expect(parseAuditEventSearch({ _count: '0' }, BASE).count).toBe(0);
    expect(parseAuditEventSearch({ _count: '50000' }, BASE).count).toBe(1000);
  });

  it('escapes LIKE wildcards in agent-name', () => {
    const { conditions } = parseAuditEventSearch({ 'agent-name': '50%_off!' }, BASE);
    expect(Object.values(conditions[0].params)).toEqual(['50!%!_off!!%']);
  });
});
