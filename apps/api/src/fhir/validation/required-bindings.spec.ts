import { requiredCodes } from './required-bindings';

describe('requiredCodes', () => {
  it.each<[string, string[]]>([
    ['http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1', ['male', 'female', 'other', 'unknown']],
    [
      'http://hl7.org/fhir/ValueSet/observation-status|4.0.1',
      ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'],
    ],
  ])('enumerates %s', (url, codes) => {
    expect([...(requiredCodes(url) ?? [])].sort()).toEqual([...codes].sort());
  });

  it('includes the nested concepts of a hierarchical CodeSystem', () => {
    // R4 codesystem-name-use: `maiden` sits under `old`; codesystem-request-intent: `original-order` under `order`.
    expect(requiredCodes('http://hl7.org/fhir/ValueSet/name-use|4.0.1')?.has('maiden')).toBe(true);
    expect(requiredCodes('http://hl7.org/fhir/ValueSet/request-intent|4.0.1')?.has('original-order')).toBe(true);
  });

  it.each([
    ['an external code system (BCP 13 MIME types)', 'http://hl7.org/fhir/ValueSet/mimetypes|4.0.1'],
    ['a ValueSet R4 does not publish', 'http://example.org/ValueSet/unknown'],
  ])('cannot enumerate %s, so such codes go unchecked', (_name, url) => {
    expect(requiredCodes(url)).toBeNull();
  });
});
