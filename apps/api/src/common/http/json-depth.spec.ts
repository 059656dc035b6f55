import { jsonNestsDeeperThan } from './json-depth';

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays, the outermost as level 1', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[[]]}]}', 4)).toBe(true);
    expect(jsonNestsDeeperThan('1', 0)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"\\"[[[[\\\\"}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"x\\\\","b":[[]]}', 2)).toBe(true);
  });

  it('siblings do not add up: depth, not count', () => {
    expect(jsonNestsDeeperThan(`[${'[],'.repeat(10_000)}[]]`, 2)).toBe(false);
  });

  it('answers for a body 100,000 deep without recursion', () => {
    expect(jsonNestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000), 100)).toBe(true);
  });

  it('leaves an unterminated string to the parser', () => {
    expect(jsonNestsDeeperThan('{"a":"[[[[', 1)).toBe(false);
  });
});
