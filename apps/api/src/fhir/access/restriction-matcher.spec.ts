import type { IndexRows } from '../search/index-extractor';
import { rowsMeet } from './restriction-matcher';

const rows = (partial: Partial<IndexRows>): IndexRows => ({
  token: [],
  string: [],
  date: [],
  reference: [],
  quantity: [],
  uri: [],
  ...partial,
});

describe('rowsMeet (a scope restriction on content about to be written)', () => {
  const vitals = rows({
    token: [
      { param: 'category', system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
    ],
    reference: [{ param: 'subject', targetType: 'Patient', targetId: 'p1' }],
  });

  it('matches a token by code, by system|code, and not by another code or system', () => {
    expect(rowsMeet({ kind: 'token', param: 'category', values: [{ code: 'vital-signs' }] }, vitals)).toBe(true);
    expect(
      rowsMeet(
        {
          kind: 'token',
          param: 'category',
          values: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
        },
        vitals,
      ),
    ).toBe(true);
    expect(rowsMeet({ kind: 'token', param: 'category', values: [{ code: 'laboratory' }] }, vitals)).toBe(false);
    expect(rowsMeet({ kind: 'token', param: 'category', values: [{ system: '', code: 'vital-signs' }] }, vitals)).toBe(
      false,
    );
    expect(rowsMeet({ kind: 'token', param: 'code', values: [{ code: 'vital-signs' }] }, vitals)).toBe(false);
  });

  it('matches a reference by type and id', () => {
    expect(rowsMeet({ kind: 'reference', params: ['subject'], values: [{ type: 'Patient', id: 'p1' }] }, vitals)).toBe(
      true,
    );
    expect(rowsMeet({ kind: 'reference', params: ['subject'], values: [{ type: 'Patient', id: 'p2' }] }, vitals)).toBe(
      false,
    );
  });

  it('combines with and / or, and answers null (refuse) for what it cannot evaluate', () => {
    const token = { kind: 'token' as const, param: 'category', values: [{ code: 'vital-signs' }] };
    const date = { kind: 'date' as const, param: 'date', values: [] };
    expect(rowsMeet({ kind: 'and', items: [token, date] }, vitals)).toBeNull();
    expect(rowsMeet({ kind: 'or', items: [token, date] }, vitals)).toBe(true);
    expect(rowsMeet({ kind: 'or', items: [{ kind: 'none' }, date] }, vitals)).toBeNull();
    expect(rowsMeet({ kind: 'and', items: [{ kind: 'none' }, date] }, vitals)).toBe(false);
  });
});
