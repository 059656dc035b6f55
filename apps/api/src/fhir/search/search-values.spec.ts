import { parseNumberValue, parseQuantityValue, parseReferenceValue, parseTokenValue } from './search-values';

const BASE = 'https://fhir.example.org/fhir';

describe('parseTokenValue (search.html#token)', () => {
  it.each([
    ['9434765919', { code: '9434765919' }],
    [
      'https://fhir.nhs.uk/Id/nhs-number|9434765919',
      { system: 'https://fhir.nhs.uk/Id/nhs-number', code: '9434765919' },
    ],
    ['|male', { system: '', code: 'male' }],
    ['https://fhir.nhs.uk/Id/nhs-number|', { system: 'https://fhir.nhs.uk/Id/nhs-number', code: undefined }],
    ['a\\|b', { code: 'a|b' }],
  ])('%j → %j', (raw, expected) => {
    expect(parseTokenValue(raw)).toEqual(expected);
  });

  it.each(['|', 'a|b|c'])('rejects %j', (raw) => {
    expect(() => parseTokenValue(raw)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('parseReferenceValue (search.html#reference)', () => {
  it.each([
    ['Patient/123', undefined, { type: 'Patient', id: '123' }],
    ['123', undefined, { type: undefined, id: '123' }],
    ['123', 'Patient', { type: 'Patient', id: '123' }],
    [`${BASE}/Patient/123`, undefined, { type: 'Patient', id: '123' }],
    ['Patient/123/_history/4', undefined, { type: 'Patient', id: '123' }],
    ['https://elsewhere.example/fhir/Patient/123', undefined, null],
    ['Group/1', 'Patient', null],
    ['Patient/bad id', undefined, null],
  ])('%j (modifier %j) → %j', (raw, modifier, expected) => {
    expect(parseReferenceValue(raw, modifier, BASE)).toEqual(expected);
  });
});

describe('parseNumberValue and parseQuantityValue (search.html#number, #quantity)', () => {
  it.each<[string, { prefix: string; value: number; low?: number; high?: number }]>([
    ['100', { prefix: 'eq', value: 100, low: 99.5, high: 100.5 }],
    ['100.00', { prefix: 'eq', value: 100, low: 99.995, high: 100.005 }],
    ['1e2', { prefix: 'eq', value: 100, low: 50, high: 150 }],
    ['gt0.8', { prefix: 'gt', value: 0.8 }],
    ['-3', { prefix: 'eq', value: -3, low: -3.5, high: -2.5 }],
    ['ap1.5', { prefix: 'ap', value: 1.5 }],
  ])('%s → %j', (raw, expected) => {
    const n = parseNumberValue(raw)!;
    expect(n).toMatchObject({ prefix: expected.prefix, value: expected.value });
    if (expected.low !== undefined) {
      expect(n.low).toBeCloseTo(expected.low, 10);
      expect(n.high).toBeCloseTo(expected.high!, 10);
    }
  });

  it.each(['', 'abc', 'gt', '1,5', '0x10', 'Infinity', '1e999', '--1', '\n', 'gt\n', '5\n'])('refuses %j', (raw) => {
    expect(parseNumberValue(raw)).toBeNull();
  });

  it.each([
    ['5.4|http://unitsofmeasure.org|mg', { value: 5.4, system: 'http://unitsofmeasure.org', code: 'mg' }],
    ['le5.4||mg', { prefix: 'le', value: 5.4, code: 'mg' }],
    ['5.4', { value: 5.4 }],
  ])('quantity %s → %j', (raw, expected) => {
    const q = parseQuantityValue(raw)!;
    expect(q).toMatchObject(expected);
    if (!('system' in expected)) expect(q.system).toBeUndefined();
  });

  it.each(['5.4|mg', 'x|y|z', ''])('refuses quantity %j', (raw) => {
    expect(parseQuantityValue(raw)).toBeNull();
  });
});
