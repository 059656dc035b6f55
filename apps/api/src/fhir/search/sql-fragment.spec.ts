import { limitSql } from './sql-fragment';

describe('limitSql', () => {
  it('writes LIMIT and OFFSET into the statement, so SQLite does not re-prepare it on every run', () => {
    expect(limitSql(11)).toBe(' LIMIT 11');
    expect(limitSql(21, 40)).toBe(' LIMIT 21 OFFSET 40');
    expect(limitSql(1, 0)).toBe(' LIMIT 1');
  });

  it('takes only whole non-negative numbers: nothing else can reach the SQL text', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, '1; DROP TABLE t' as unknown as number]) {
      expect(() => limitSql(bad)).toThrow(RangeError);
      expect(() => limitSql(10, bad)).toThrow(RangeError);
    }
  });
});
