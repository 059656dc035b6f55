import { splitUnescaped } from './search-syntax';

describe('splitUnescaped', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['a\\,b,c', ['a\\,b', 'c']],
    ['a', ['a']],
    ['', ['']],
    ['a,', ['a', '']],
  ])('%j → %j', (input, expected) => {
    expect(splitUnescaped(input, ',')).toEqual(expected);
  });
});
