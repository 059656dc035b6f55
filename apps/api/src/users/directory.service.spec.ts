import { directoryEntry, directoryQuery, displayName } from './directory.service';

describe('directoryQuery', () => {
  it.each([
    ['Patient', undefined, { _count: '20' }],
    ['Patient', '   ', { _count: '20' }],
    ['Patient', ' jones ', { _count: '20', name: 'jones' }],
    ['Patient', "O'Connor", { _count: '20', name: "O'Connor" }],
    ['Patient', '9990000018', { _count: '20', identifier: 'https://fhir.nhs.uk/Id/nhs-number|9990000018' }],
    ['Patient', '999 000 0018', { _count: '20', identifier: 'https://fhir.nhs.uk/Id/nhs-number|9990000018' }],
    ['Patient', '123456', { _count: '20', identifier: '123456' }],
    ['Practitioner', '555000000101', { _count: '20', identifier: '555000000101' }],
    ['Practitioner', '9990000018', { _count: '20', identifier: '9990000018' }],
    ['Practitioner', 'Dr Patel', { _count: '20', name: 'Dr Patel' }],
  ] as const)('%s %j → %j', (type, text, expected) => {
    expect(directoryQuery(type, text)).toEqual(expected);
  });
});

describe('displayName', () => {
  it.each([
    [{ name: [{ text: '  Amelia Jones ' }] }, 'Amelia Jones'],
    [{ name: [{ family: 'Jones', given: ['Amelia', 'Rose'], prefix: ['Mrs'] }] }, 'Mrs Amelia Rose Jones'],
    [
      {
        name: [
          { use: 'old', family: 'Smith' },
          { use: 'official', family: 'Jones', given: ['Amelia'] },
        ],
      },
      'Amelia Jones',
    ],
    [
      {
        name: [
          { use: 'nickname', family: 'Mel' },
          { use: 'usual', given: ['Amy'] },
        ],
      },
      'Amy',
    ],
    [{ name: [{ family: '  ' }] }, null],
    [{ name: [] }, null],
    [{}, null],
  ])('%j → %j', (resource, expected) => {
    expect(displayName(resource)).toBe(expected);
  });
});

describe('directoryEntry', () => {
  it('takes the reference, name, birth date and NHS number', () => {
    expect(
      directoryEntry({
        resourceType: 'Patient',
        id: 'p1',
        name: [{ family: 'Khan', given: ['Imran'] }],
        birthDate: '1971-11-02',
        identifier: [
          { system: 'https://example.org/mrn', value: 'MRN1' },
          { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000026' },
        ],
      }),
    ).toEqual({ reference: 'Patient/p1', display: 'Imran Khan', birth_date: '1971-11-02', nhs_number: '9990000026' });
  });

  it('falls back to the reference when the resource has no name', () => {
    expect(directoryEntry({ resourceType: 'Practitioner', id: 'x' })).toEqual({
      reference: 'Practitioner/x',
      display: 'Practitioner/x',
      birth_date: null,
      nhs_number: null,
    });
  });
});
