import { subsetResource, SUBSETTED } from './resource-subset';

const patient = JSON.stringify({
  resourceType: 'Patient',
  id: 'p',
  meta: { versionId: '1', tag: [{ system: 'urn:t', code: 'x' }] },
  text: { status: 'generated', div: '<div/>' },
  name: [{ family: 'Smith' }],
  gender: 'male',
  deceasedBoolean: false,
  maritalStatus: { text: 'M' },
  _birthDate: { extension: [] },
  birthDate: '1970',
});

describe('subsetResource (search.html#summary, #elements)', () => {
  const keys = (json: string) => Object.keys(JSON.parse(json)).sort();
  const tags = (json: string) => JSON.parse(json).meta.tag;

  it('leaves the JSON alone when nothing is asked', () => {
    expect(subsetResource('Patient', patient, {})).toBe(patient);
    expect(subsetResource('Patient', patient, { summary: 'false' })).toBe(patient);
  });

  it.each([
    [{ elements: ['gender'] }, ['gender', 'id', 'meta', 'resourceType']],
    [
      { elements: ['deceased', 'birthDate'] },
      ['_birthDate', 'birthDate', 'deceasedBoolean', 'id', 'meta', 'resourceType'],
    ],
    [
      { summary: 'true' as const },
      ['_birthDate', 'birthDate', 'deceasedBoolean', 'gender', 'id', 'meta', 'name', 'resourceType'],
    ],
    [{ summary: 'text' as const }, ['id', 'meta', 'resourceType', 'text']],
    [
      { summary: 'data' as const },
      ['_birthDate', 'birthDate', 'deceasedBoolean', 'gender', 'id', 'maritalStatus', 'meta', 'name', 'resourceType'],
    ],
  ])('%j keeps %j and marks SUBSETTED', (options, expected) => {
    const out = subsetResource('Patient', patient, options);
    expect(keys(out)).toEqual(expected);
    expect(tags(out)).toEqual([{ system: 'urn:t', code: 'x' }, SUBSETTED]);
  });
});
