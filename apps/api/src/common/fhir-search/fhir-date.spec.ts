import { approximateRange, dateMatches, InstantRange, parseDateRange, parseDateSearchValue } from './fhir-date';

const iso = (ms: number) => new Date(ms).toISOString();
const span = (r: InstantRange | null) => (r ? [iso(r.low), iso(r.high)] : null);

describe('parseDateRange', () => {
  it.each([
    ['1970', '1970-01-01T00:00:00.000Z', '1970-12-31T23:59:59.999Z'],
    ['1970-05', '1970-05-01T00:00:00.000Z', '1970-05-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['1970-05-02', '1970-05-02T00:00:00.000Z', '1970-05-02T23:59:59.999Z'],
    ['2020-01-01T10:00', '2020-01-01T10:00:00.000Z', '2020-01-01T10:00:59.999Z'],
    ['2020-01-01T10:00:05Z', '2020-01-01T10:00:05.000Z', '2020-01-01T10:00:05.999Z'],
    ['2020-01-01T10:00:05.5Z', '2020-01-01T10:00:05.500Z', '2020-01-01T10:00:05.599Z'],
    ['2020-01-01T10:00:05.123456Z', '2020-01-01T10:00:05.123Z', '2020-01-01T10:00:05.123Z'],
    ['2020-01-01T10:00:00+01:00', '2020-01-01T09:00:00.000Z', '2020-01-01T09:00:00.999Z'],
    ['2020-01-01T10:00:00-05:30', '2020-01-01T15:30:00.000Z', '2020-01-01T15:30:00.999Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z', '0099-01-01T23:59:59.999Z'],
  ])('%s covers %s … %s', (value, low, high) => {
    expect(span(parseDateRange(value))).toEqual([low, high]);
  });

  it.each([
    '',
    '70',
    '1970-13',
    '1970-00',
    '1970-02-30',
    '2023-02-29',
    '1970-1-1',
    '1970-05-02T25:00',
    '1970-05-02T10:61',
    'tomorrow',
    '1970-05-02T10:00:00+15:00',
    '0000',
  ])('rejects %j', (value) => {
    expect(parseDateRange(value)).toBeNull();
  });
});

describe('parseDateSearchValue', () => {
  it.each([
    ['1970', 'eq'],
    ['eq1970', 'eq'],
    ['ne1970', 'ne'],
    ['gt1970', 'gt'],
    ['lt1970', 'lt'],
    ['ge1970', 'ge'],
    ['le1970', 'le'],
    ['sa1970', 'sa'],
    ['eb1970', 'eb'],
    ['ap1970', 'ap'],
  ])('%s has prefix %s', (raw, prefix) => {
    expect(parseDateSearchValue(raw)?.prefix).toBe(prefix);
  });

  it.each(['xx1970', 'gt', 'ge19701', 'lt1970-13-01', 'bad'])('rejects %j', (raw) => {
    expect(parseDateSearchValue(raw)).toBeNull();
  });
});

describe('dateMatches (search.html#prefix)', () => {
  const may1970 = parseDateRange('1970-05')!;
  const day = (v: string) => parseDateRange(v)!;
  const search = (raw: string) => parseDateSearchValue(raw)!;

  it.each([
    // [target, search, expected]
    ['1970-05-02', '1970', true],
    ['1970-05-02', '1970-05', true],
    ['1970-05-02', '1970-05-02', true],
    ['1970-05-02', '1970-06', false],
    ['1970-05', '1970-05-02', false], // the search range must contain the target
    ['1970-05-02', 'ne1970-05', false],
    ['1970-06-02', 'ne1970-05', true],
    ['1970-06-01', 'gt1970-05', true],
    ['1970-05-31', 'gt1970-05', false],
    ['1970-04-30', 'lt1970-05', true],
    ['1970-05-01', 'lt1970-05', false],
    ['1970-05-15', 'ge1970-05', true],
    ['1970-07-15', 'ge1970-05', true],
    ['1970-04-15', 'ge1970-05', false],
    ['1970-05-15', 'le1970-05', true],
    ['1970-01-15', 'le1970-05', true],
    ['1970-06-15', 'le1970-05', false],
    ['1970-06-01', 'sa1970-05', true],
    ['1970-04-30', 'eb1970-05', true],
    ['1970-05-01', 'eb1970-05', false],
  ])('%s matches %s: %s', (target, raw, expected) => {
    expect(dateMatches(day(target), search(raw))).toBe(expected);
  });

  it('ap widens the range by a tenth of its distance from now', () => {
    const now = Date.UTC(2020, 0, 1);
    const wide = approximateRange(may1970, now);
    expect(wide.low).toBeLessThan(may1970.low);
    expect(wide.high).toBeGreaterThan(may1970.high);
    expect(dateMatches(day('1969-12-01'), search('ap1970-05'), now)).toBe(true);
    expect(dateMatches(day('1960-01-01'), search('ap1970-05'), now)).toBe(false);
  });
});

// Moved from the AuditEvent search's spec with its own date parser, which this one replaced.
describe('parseDateRange: the instants the AuditEvent date search compares (R4 search.html#date)', () => {
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
    const r = parseDateRange(value)!;
    expect([iso(r.low), iso(r.high)]).toEqual([low, high]);
  });

  it.each(['yesterday', '2024-13', '2024-02-30', '2024-05-01T25:00', '24-05-01', "2024' OR 1=1 --"])(
    'refuses %s',
    (value) => {
      expect(parseDateRange(value)).toBeNull();
    },
  );
});
