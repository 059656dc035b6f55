import { DomainError } from '../../common/errors/domain-error';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { parseSearchRequest, QueryValues } from './search-request-parser';
import { decodeCursor, encodeCursor } from './search-result-parameters';
import { SearchParameterRegistry } from './search-parameter-registry';

const BASE = 'https://fhir.example.org/fhir';
const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);
const parse = (type: string, query: QueryValues, strict = false) =>
  parseSearchRequest(type, query, registry, { strict, fhirBase: BASE });

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected an error');
}

describe('parseSearchRequest', () => {
  it('defaults to 20 per page from the start', () => {
    expect(parse('Patient', {})).toEqual({
      conditions: [],
      count: 20,
      offset: 0,
      applied: [],
      sort: [],
      include: [],
      ignored: [],
    });
  });

  it.each([
    ['5', 5],
    ['0', 0],
    ['1000', 1000],
    ['5000', 1000],
  ])('_count=%s pages by %d', (raw, count) => {
    expect(parse('Patient', { _count: raw }).count).toBe(count);
  });

  it.each([['-1'], ['ten'], ['1.5']])('rejects _count=%s', (raw) => {
    expect(errorOf(() => parse('Patient', { _count: raw })).status).toBe(400);
  });

  it('reads _offset', () => {
    expect(parse('Patient', { _offset: '40' }).offset).toBe(40);
    expect(errorOf(() => parse('Patient', { _offset: 'x' })).status).toBe(400);
  });

  it('ORs the values of one parameter and ANDs repeated parameters', () => {
    const req = parse('Patient', { gender: 'male,female', family: ['smi', 'jon'] });
    expect(req.conditions).toEqual([
      { kind: 'token', param: 'gender', values: [{ code: 'male' }, { code: 'female' }] },
      { kind: 'string', param: 'family', modifier: 'default', values: ['smi'] },
      { kind: 'string', param: 'family', modifier: 'default', values: ['jon'] },
    ]);
    expect(req.applied).toEqual([
      ['gender', 'male,female'],
      ['family', 'smi'],
      ['family', 'jon'],
    ]);
  });

  it('normalises string values, except for :exact', () => {
    expect(parse('Patient', { name: 'Zoë' }).conditions).toEqual([
      { kind: 'string', param: 'name', modifier: 'default', values: ['zoe'] },
    ]);
    expect(parse('Patient', { 'family:contains': 'ONT' }).conditions).toEqual([
      { kind: 'string', param: 'family', modifier: 'contains', values: ['ont'] },
    ]);
    expect(parse('Patient', { 'family:exact': 'Brontë' }).conditions).toEqual([
      { kind: 'string', param: 'family', modifier: 'exact', values: ['Brontë'] },
    ]);
  });

  it('answers _id and _lastUpdated from columns', () => {
    expect(parse('Condition', { _id: 'a,b' }).conditions).toEqual([{ kind: 'id', ids: ['a', 'b'] }]);
    expect(parse('Condition', { _lastUpdated: 'gt2020-01-01' }).conditions[0]).toMatchObject({
      kind: 'lastUpdated',
      values: [{ prefix: 'gt' }],
    });
  });

  it('parses dates with prefixes', () => {
    const [cond] = parse('Patient', { birthdate: 'ge1970-05' }).conditions;
    expect(cond).toEqual({
      kind: 'date',
      param: 'birthdate',
      values: [{ prefix: 'ge', range: { low: Date.UTC(1970, 4, 1), high: Date.UTC(1970, 5, 1) - 1 } }],
    });
  });

  it('parses references and the type modifier', () => {
    expect(parse('Condition', { patient: 'Patient/p1' }).conditions).toEqual([
      { kind: 'reference', params: ['patient'], values: [{ type: 'Patient', id: 'p1' }] },
    ]);
    expect(parse('Condition', { 'subject:Patient': 'p1' }).conditions).toEqual([
      { kind: 'reference', params: ['subject'], values: [{ type: 'Patient', id: 'p1' }] },
    ]);
    expect(parse('Condition', { subject: 'https://elsewhere.example/Patient/1' }).conditions).toEqual([
      { kind: 'none' },
    ]);
  });

  it('ignores empty values', () => {
    expect(parse('Patient', { family: '' }).conditions).toEqual([]);
  });

  it('ignores unknown parameters unless strict (search.html#errors)', () => {
    expect(parse('Patient', { nonsense: 'x', _sort: 'nonsense' }).conditions).toEqual([]);
    const e = errorOf(() => parse('Patient', { nonsense: 'x' }, true));
    expect(e.status).toBe(400);
    expect(e.code).toBe('fhir_unknown_search_parameter');
    expect(errorOf(() => parse('Patient', { _sort: 'nonsense' }, true)).status).toBe(400);
  });

  it('never rejects the result parameters it honours', () => {
    expect(parse('Patient', { _count: '1', _format: 'json', _pretty: 'true', _total: 'accurate' }, true).count).toBe(1);
  });

  it.each([
    [{ birthdate: '1970-13' }, 'fhir_invalid_search'],
    [{ birthdate: 'xx1970' }, 'fhir_invalid_search'],
    [{ _lastUpdated: 'yesterday' }, 'fhir_invalid_search'],
    [{ gender: '|' }, 'fhir_invalid_search'],
    [{ 'family:text': 'x' }, 'fhir_unsupported_modifier'],
    [{ 'gender:in': 'http://x' }, 'fhir_unsupported_modifier'],
    [{ 'birthdate:exact': '1970' }, 'fhir_unsupported_modifier'],
    [{ 'general-practitioner:Group': '1' }, 'fhir_unsupported_modifier'],
    [{ family: ' ' }, 'fhir_invalid_search'],
  ])('rejects %j with %s', (query, code) => {
    const e = errorOf(() => parse('Patient', query as QueryValues));
    expect(e.status).toBe(400);
    expect(e.code).toBe(code);
  });
});

describe('parseSearchRequest: modifiers, chains, _has, result parameters', () => {
  it.each([
    [{ 'gender:not': 'male' }, { kind: 'not', item: { kind: 'token', param: 'gender', values: [{ code: 'male' }] } }],
    [{ 'gender:missing': 'true' }, { kind: 'not', item: { kind: 'present', table: 'token', param: 'gender' } }],
    [{ 'birthdate:missing': 'false' }, { kind: 'present', table: 'date', param: 'birthdate' }],
    [{ 'language:text': 'Engl' }, { kind: 'string', param: 'language:text', modifier: 'default', values: ['engl'] }],
    [{ '_profile:below': 'http://x/y' }, { kind: 'uri', param: '_profile', modifier: 'below', values: ['http://x/y'] }],
    [{ _profile: 'http://x/y' }, { kind: 'uri', param: '_profile', modifier: 'exact', values: ['http://x/y'] }],
  ])('%j', (query, condition) => {
    expect(parse('Patient', query as QueryValues).conditions).toEqual([condition]);
  });

  it('parses a chain, adding what the token may see of the target', () => {
    const cross = jest.fn((type: string) => [{ kind: 'id' as const, ids: [`only-${type}`] }]);
    const req = parseSearchRequest('Observation', { 'subject:Patient.family': 'Smith' }, registry, {
      strict: false,
      fhirBase: BASE,
      cross,
    });
    expect(req.conditions).toEqual([
      {
        kind: 'chain',
        params: ['subject'],
        targets: [
          {
            type: 'Patient',
            conditions: [
              { kind: 'string', param: 'family', modifier: 'default', values: ['smith'] },
              { kind: 'id', ids: ['only-Patient'] },
            ],
          },
        ],
      },
    ]);
    expect(cross).toHaveBeenCalledWith('Patient');
  });

  it('crosses only the allowed targets of a chain without a type', () => {
    const req = parseSearchRequest('Observation', { 'subject.name': 'x' }, registry, {
      strict: false,
      fhirBase: BASE,
      cross: () => [],
      mayCross: (t) => t === 'Patient',
    });
    const chain = req.conditions[0] as { targets: { type: string }[] };
    expect(chain.targets.map((t) => t.type)).toEqual(['Patient']);
  });

  it('parses _has, nested too', () => {
    const req = parse('Patient', { '_has:Encounter:subject:_has:Condition:encounter:code': 'x' } as QueryValues);
    expect(req.conditions[0]).toMatchObject({
      kind: 'has',
      sourceType: 'Encounter',
      param: 'subject',
      conditions: [{ kind: 'has', sourceType: 'Condition', param: 'encounter' }],
    });
  });

  it('lets the token refuse a crossed type', () => {
    const cross = () => {
      throw new DomainError(403, 'insufficient_scope', 'no');
    };
    const e = errorOf(() =>
      parseSearchRequest('Patient', { '_has:Condition:subject:code': 'x' }, registry, {
        strict: false,
        fhirBase: BASE,
        cross,
      }),
    );
    expect(e.status).toBe(403);
  });

  it.each([
    [{ 'subject.organization.name': 'x' }, 'fhir_invalid_search'],
    [{ 'code.family': 'x' }, 'fhir_invalid_search'],
    [{ '_has:Observation': 'x' }, 'fhir_invalid_search'],
    [{ '_has:Observation:code:status': 'x' }, 'fhir_invalid_search'],
    [{ 'subject:Nonsense.name': 'x' }, 'fhir_unsupported_modifier'],
  ])('rejects %j with %s', (query, code) => {
    expect(errorOf(() => parse('Observation', query as QueryValues)).code).toBe(code);
  });

  it('reads _sort, _include, _summary, _elements and _total', () => {
    const req = parse('Condition', {
      _sort: '-onset-date,_id',
      _include: 'Condition:subject:Patient',
      '_revinclude:iterate': 'Encounter:diagnosis',
      _summary: 'count',
      _elements: 'code,subject',
      _total: 'none',
    } as QueryValues);
    expect(req.sort).toEqual([
      { source: 'index', table: 'date', param: 'onset-date', descending: true },
      { source: 'id', descending: false },
    ]);
    expect(req.include).toEqual([
      { reverse: false, iterate: false, sourceType: 'Condition', param: 'subject', targetType: 'Patient' },
      { reverse: true, iterate: true, sourceType: 'Encounter', param: 'diagnosis' },
    ]);
    expect(req).toMatchObject({ summary: 'count', elements: ['code', 'subject'], total: 'none' });
  });

  it('decodes the cursors it encodes, and refuses others', () => {
    const cursor = { direction: 'after' as const, values: ['2020-01-01T00:00:00.000Z', 'abc'] };
    expect(parse('Patient', { _cursor: encodeCursor(cursor) }).cursor).toEqual(cursor);
    expect(errorOf(() => decodeCursor(encodeCursor(cursor), 3)).status).toBe(400);
    expect(errorOf(() => decodeCursor('a' + Buffer.from('{"x":1}').toString('base64url'), 1)).status).toBe(400);
    expect(errorOf(() => decodeCursor('x', 2)).status).toBe(400);
  });

  it('refuses control characters anywhere', () => {
    expect(errorOf(() => parse('Patient', { family: 'a\u0000b' })).status).toBe(400);
    expect(errorOf(() => parse('Patient', { ['fam\u0001ily']: 'x' })).status).toBe(400);
  });
});
