import { DomainError } from '../common/errors/domain-error';
import { parseIfMatch } from './fhir.service';

describe('parseIfMatch (R4 http.html#concurrency)', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['W/"3"', 3],
    ['"3"', 3],
    ['3', 3],
    [' W/"12" ', 12],
  ])('%j → %j', (header, expected) => {
    expect(parseIfMatch(header)).toBe(expected);
  });

  it.each(['W/"x"', '*', 'W/"0"', 'W/"3", W/"4"', '"1234567890"'])('refuses %j with 400', (header) => {
    try {
      parseIfMatch(header);
      throw new Error('expected an error');
    } catch (e) {
      expect((e as DomainError).status).toBe(400);
    }
  });
});
