import { issuedAfter } from './session.service';

describe('issuedAfter', () => {
  const cut = new Date('2026-01-01T10:00:10.500Z');
  const at = (iso: string) => Date.parse(iso) / 1000;

  it.each([
    ['a second before the cut-off', at('2026-01-01T10:00:09Z'), false],
    ['within the cut-off second (a fresh sign-in right after a reset)', at('2026-01-01T10:00:10Z'), true],
    ['the next whole second', at('2026-01-01T10:00:11Z'), true],
    ['an hour later', at('2026-01-01T11:00:10Z'), true],
  ])('%s', (_, iat, expected) => {
    expect(issuedAfter(iat, cut)).toBe(expected);
  });

  it('a cut-off on a whole second refuses the second before it', () => {
    expect(issuedAfter(at('2026-01-01T10:00:09Z'), new Date('2026-01-01T10:00:10.000Z'))).toBe(false);
  });
});
