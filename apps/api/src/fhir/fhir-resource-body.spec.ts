import { DomainError } from '../common/errors/domain-error';
import { assertJsonMediaType, parseResourceBody } from './fhir-resource-body';

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as DomainError).status;
  }
}

describe('assertJsonMediaType', () => {
  it.each([
    'application/fhir+json',
    'application/fhir+json; charset=utf-8',
    'application/json',
    'Application/JSON',
    'application/json+fhir',
  ])('accepts %s', (ct) => {
    expect(statusOf(() => assertJsonMediaType(ct))).toBeUndefined();
  });

  it.each([
    undefined,
    '',
    'text/plain',
    'application/xml',
    'application/fhir+xml',
    'application/x-www-form-urlencoded',
  ])('refuses %j with 415', (ct) => {
    expect(statusOf(() => assertJsonMediaType(ct))).toBe(415);
  });
});

describe('parseResourceBody', () => {
  it('accepts a resource of the URL type', () => {
    expect(parseResourceBody('Patient', { resourceType: 'Patient', id: 'a.b-1' })).toEqual({
      resourceType: 'Patient',
      id: 'a.b-1',
    });
  });

  it.each([
    ['a string', 'Patient'],
    [null, null],
    [[{ resourceType: 'Patient' }], 'an array'],
    [{}, 'no resourceType'],
    [{ resourceType: 'Observation' }, 'another type'],
    [{ resourceType: 'Patient', id: 'has space' }, 'a bad id'],
    [{ resourceType: 'Patient', id: 'x'.repeat(65) }, 'a long id'],
    [{ resourceType: 'Patient', id: 7 }, 'a numeric id'],
    [{ resourceType: 'Patient', meta: 'x' }, 'a bad meta'],
  ])('refuses %j (%s) with 400', (body: unknown, _what: unknown) => {
    expect(statusOf(() => parseResourceBody('Patient', body))).toBe(400);
  });
});
