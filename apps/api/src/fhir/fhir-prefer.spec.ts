import { parsePrefer } from './fhir-prefer';

describe('parsePrefer (RFC 7240)', () => {
  it.each([
    [undefined, {}],
    ['handling=strict', { handling: 'strict' }],
    ['handling=lenient', { handling: 'lenient' }],
    ['return=minimal', { return: 'minimal' }],
    ['return=OperationOutcome, handling=strict', { return: 'OperationOutcome', handling: 'strict' }],
    [['return=representation', 'handling="strict"'], { return: 'representation', handling: 'strict' }],
    ['respond-async', {}],
    ['handling=sloppy', {}],
  ])('%j → %j', (header, expected) => {
    expect(parsePrefer(header as string | string[] | undefined)).toEqual(expected);
  });
});
