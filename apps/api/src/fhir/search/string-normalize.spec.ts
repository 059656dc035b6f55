import { INDEX_VALUE_MAX, normalizeSearchString, truncateForIndex } from './string-normalize';

describe('normalizeSearchString', () => {
  it.each([
    ['Smith', 'smith'],
    ['SMITH', 'smith'],
    ['Zoë', 'zoe'],
    ['Chloé Brontë', 'chloe bronte'],
    ['  Mary   Ann ', 'mary ann'],
    ['Ångström', 'angstrom'],
    ['Ĳssel', 'ijssel'],
    ['O’Brien', 'o’brien'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeSearchString(input)).toBe(expected);
  });
});

describe('truncateForIndex', () => {
  it('keeps short values', () => {
    expect(truncateForIndex('abc')).toBe('abc');
  });

  it('cuts long values to the column width', () => {
    expect(truncateForIndex('x'.repeat(300))).toHaveLength(INDEX_VALUE_MAX);
  });

  it('never splits a surrogate pair', () => {
    const value = 'a'.repeat(INDEX_VALUE_MAX - 1) + '😀';
    const cut = truncateForIndex(value);
    expect(cut).toBe('a'.repeat(INDEX_VALUE_MAX - 1));
  });
});
