import { DomainError } from '../../common/errors/domain-error';
import { parseAuditEventSearch } from './audit-event-search';

const BASE = 'http://ccri.test/fhir';

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

describe('parseAuditEventSearch reads values as the FHIR search does (common/fhir-search)', () => {
  it.each(['2024-00', '2024-05-01T10:00+25:00', '0000'])('refuses the date %s, as the FHIR search does', (date) => {
    expect(() => parseAuditEventSearch({ date }, BASE)).toThrow(
      expect.objectContaining({ status: 400, code: 'audit_invalid_search' }),
    );
  });

  it('takes a leap second, as the FHIR search does', () => {
    const { conditions } = parseAuditEventSearch({ date: '2016-12-31T23:59:60Z' }, BASE);
    expect(Object.values(conditions[0].params)).toEqual([
      new Date('2016-12-31T23:59:59.000Z'),
      new Date('2016-12-31T23:59:59.999Z'),
    ]);
  });

  it('keeps an escaped comma or bar inside a value (R4 search.html#escaping)', () => {
    const { conditions } = parseAuditEventSearch({ _id: 'a\\,b', subtype: 'x\\|y' }, BASE);
    expect(conditions).toHaveLength(2);
    expect(Object.values(conditions[0].params)).toEqual(['a,b']);
    expect(Object.values(conditions[1].params)).toContain('x|y');
  });

  it('ignores empty values', () => {
    expect(parseAuditEventSearch({ date: '', agent: ',' }, BASE)).toEqual({ conditions: [] });
  });

  it('reads system| as any code of the system', () => {
    const rest = parseAuditEventSearch({ subtype: 'http://hl7.org/fhir/restful-interaction|' }, BASE).conditions[0];
    expect(Object.values(rest.params)).toEqual(expect.arrayContaining(['read', 'search-type', 'history-system']));
    const types = parseAuditEventSearch({ 'entity-type': 'http://hl7.org/fhir/resource-types|' }, BASE).conditions;
    expect(types).toEqual([{ sql: 'a.resource_type IS NOT NULL', params: {} }]);
  });

  it.each(['|', 'a|b|c'])('refuses the token %j with a 400', (type) => {
    expect(() => parseAuditEventSearch({ type }, BASE)).toThrow(
      expect.objectContaining({ status: 400, code: 'audit_invalid_search' }),
    );
  });

  it('matches a client by its identifier, which has no system', () => {
    expect(parseAuditEventSearch({ 'agent:identifier': 'http://example.org|app' }, BASE).conditions).toEqual([
      { sql: '1 = 0', params: {} },
    ]);
    expect(Object.values(parseAuditEventSearch({ 'agent:identifier': '|app' }, BASE).conditions[0].params)).toEqual([
      'app',
    ]);
  });
});
