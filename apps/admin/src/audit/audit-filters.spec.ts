import { describe, expect, it } from 'vitest';
import { anAuditRecord } from '../test/fixtures';
import { niceMax } from './audit-chart';
import { csvField, toCsv } from './audit-csv';
import {
  buckets,
  DEFAULT_FILTERS,
  filtersFromParams,
  filtersToParams,
  resolveRange,
  toAuditQuery,
  validateAuditFilters,
  type AuditFilters,
} from './audit-filters';

const f = (overrides: Partial<AuditFilters> = {}): AuditFilters => ({ ...DEFAULT_FILTERS, ...overrides });

describe('audit filters', () => {
  it('round-trip through the URL, leaving defaults out', () => {
    const filters = f({
      range: 'custom',
      from: '2025-03-01T08:00',
      to: '2025-03-01T12:00',
      client_id: 'lab',
      outcome: 'denied',
      type: 'Patient',
    });
    const params = new URLSearchParams(
      Object.entries(filtersToParams(filters)).filter((e): e is [string, string] => e[1] !== undefined),
    );
    expect(params.toString()).toBe(
      'range=custom&from=2025-03-01T08%3A00&to=2025-03-01T12%3A00&client_id=lab&outcome=denied&type=Patient',
    );
    expect(filtersFromParams(params)).toEqual(filters);
    expect(Object.values(filtersToParams(DEFAULT_FILTERS)).filter(Boolean)).toEqual([]);
  });

  it('ignore values the page does not know', () => {
    expect(filtersFromParams(new URLSearchParams('range=forever&outcome=maybe'))).toEqual(DEFAULT_FILTERS);
  });

  it.each<[string, Partial<AuditFilters>, object]>([
    [
      'a custom range without times',
      { range: 'custom' },
      { from: 'Enter the start date and time', to: 'Enter the end date and time' },
    ],
    [
      'an end before the start',
      { range: 'custom', from: '2025-03-02T00:00', to: '2025-03-01T00:00' },
      { to: 'The end must be after the start' },
    ],
    [
      'more than a year',
      { range: 'custom', from: '2023-01-01T00:00', to: '2025-01-01T00:00' },
      { to: 'Choose at most a year' },
    ],
    ['a type with a space', { type: 'Patient x' }, { type: expect.stringMatching(/^Enter a category/) }],
    ['a long client id', { client_id: 'c'.repeat(101) }, { client_id: 'A client ID has at most 100 characters' }],
    ['a sound filter', { range: 'custom', from: '2025-03-01T00:00', to: '2025-03-02T00:00', type: 'token' }, {}],
  ])('check %s', (_name, overrides, expected) => {
    expect(validateAuditFilters(f(overrides))).toEqual(expected);
  });

  it('resolve presets to a range ending now, and build the API query', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const range = resolveRange(f({ range: '1h', client_id: ' lab ', outcome: 'denied' }), now);
    expect(range).toEqual({ from: new Date('2025-03-01T11:00:00Z'), to: new Date('2025-03-01T12:00:00Z') });
    expect(toAuditQuery(f({ client_id: ' lab ', outcome: 'denied' }), range)).toEqual({
      client_id: 'lab',
      outcome: 'denied',
      type: undefined,
      from: '2025-03-01T11:00:00.000Z',
      to: '2025-03-01T12:00:00.000Z',
    });
  });

  it('cut a range into adjacent buckets that cover it exactly', () => {
    const from = new Date('2025-03-01T00:00:00Z');
    const to = new Date('2025-03-01T01:00:00Z');
    const list = buckets(from, to, 12);
    expect(list).toHaveLength(12);
    expect(list[0].start).toEqual(from);
    expect(list[11].end).toEqual(to);
    for (let i = 1; i < list.length; i++) expect(list[i].start).toEqual(list[i - 1].end);
    expect(list[1].start).toEqual(new Date('2025-03-01T00:05:00Z'));
  });
});

describe('chart scale', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [12, 20],
    [180, 200],
    [501, 1000],
  ])('%i → %i', (value, max) => {
    expect(niceMax(value)).toBe(max);
  });
});

describe('CSV export', () => {
  it('quotes what needs quoting (RFC 4180) and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(null)).toBe('');
    expect(csvField(401)).toBe('401');
  });

  it('writes a header and a row per record, lines ended by CRLF', () => {
    const csv = toCsv([
      anAuditRecord({ reason: 'invalid_client, twice', scope: 'system/Patient.read system/Condition.read' }),
    ]);
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe(
      'id,recorded_at,category,action,outcome,status,reason,client_id,actor,resource_type,resource_id,scope,ip,request_id',
    );
    expect(row).toBe(
      '0190a0b0-0000-7000-8000-000000000001,2025-03-01T10:15:00.000Z,token,client_credentials,success,200,"invalid_client, twice",patient-access,,,,system/Patient.read system/Condition.read,127.0.0.1,req-1',
    );
    expect(end).toBe('');
  });
});
