import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { MAX_INSTANT } from '../../common/fhir-search/fhir-date';
import { IndexExtractor, parseReference } from './index-extractor';
import { SearchParameterRegistry } from './search-parameter-registry';

const BASE = 'https://fhir.example.org/fhir';
const extractor = new IndexExtractor(new SearchParameterRegistry(SERVED_RESOURCE_TYPES), BASE);

describe('parseReference', () => {
  it.each([
    ['Patient/123', { type: 'Patient', id: '123' }],
    ['Patient/123/_history/2', { type: 'Patient', id: '123' }],
    [`${BASE}/Patient/abc-1.2`, { type: 'Patient', id: 'abc-1.2' }],
    ['https://elsewhere.example/fhir/Patient/1', null],
    ['#contained', null],
    ['urn:uuid:2b6e0c1a-5a1f-4a43-9f0b-3d0d7c9a7f11', null],
    ['patient/1', null],
    ['Patient/', null],
    [`Patient/${'x'.repeat(65)}`, null],
  ])('%s → %j', (ref, expected) => {
    expect(parseReference(ref, BASE)).toEqual(expected);
  });
});

describe('IndexExtractor', () => {
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    meta: { tag: [{ system: 'urn:tags', code: 'demo' }] },
    identifier: [
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
    ],
    active: true,
    name: [{ use: 'official', family: 'Brontë', given: ['Zoë', 'Ann'], prefix: ['Mrs'] }],
    telecom: [{ system: 'email', value: 'zoe@example.org' }],
    gender: 'female',
    birthDate: '1970-05-02',
    address: [{ line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA' }],
    generalPractitioner: [{ reference: 'Practitioner/gp1' }, { reference: 'https://elsewhere.example/Practitioner/9' }],
    managingOrganization: { reference: `${BASE}/Organization/o1` },
  };
  const rows = extractor.extract('Patient', patient);
  const tokens = (param: string) => rows.token.filter((r) => r.param === param).map((r) => `${r.system}|${r.code}`);
  const strings = (param: string) => rows.string.filter((r) => r.param === param).map((r) => r.value);

  it('indexes identifiers as system|value, once', () => {
    expect(tokens('identifier')).toEqual(['https://fhir.nhs.uk/Id/nhs-number|9434765919']);
  });

  it('indexes codes and booleans without a system', () => {
    expect(tokens('gender')).toEqual(['|female']);
    expect(tokens('active')).toEqual(['|true']);
    expect(tokens('email')).toEqual(['|zoe@example.org']);
    expect(tokens('_tag')).toEqual(['urn:tags|demo']);
  });

  it('indexes every part of a HumanName, normalised, keeping the original for :exact', () => {
    expect(strings('family')).toEqual(['bronte']);
    expect(strings('given')).toEqual(['zoe', 'ann']);
    expect(strings('name').sort()).toEqual(['ann', 'bronte', 'mrs', 'zoe']);
    expect(rows.string.find((r) => r.param === 'family')?.exact).toBe('Brontë');
  });

  it('indexes Address parts', () => {
    expect(strings('address').sort()).toEqual(['1 high street', 'leeds', 'ls1 1aa']);
    expect(strings('address-city')).toEqual(['leeds']);
  });

  it('indexes a date as the range it covers', () => {
    const birth = rows.date.filter((r) => r.param === 'birthdate');
    expect(birth).toEqual([{ param: 'birthdate', low: Date.UTC(1970, 4, 2), high: Date.UTC(1970, 4, 3) - 1 }]);
  });

  it('indexes local and own-base references, not other servers', () => {
    expect(rows.reference).toEqual(
      expect.arrayContaining([
        { param: 'general-practitioner', targetType: 'Practitioner', targetId: 'gp1' },
        { param: 'organization', targetType: 'Organization', targetId: 'o1' },
      ]),
    );
    expect(rows.reference.filter((r) => r.param === 'general-practitioner')).toHaveLength(1);
  });

  it('applies `resolve() is Patient` to the reference target', () => {
    const toPatient = extractor.extract('Condition', {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p1' },
    });
    expect(toPatient.reference.filter((r) => r.param === 'patient')).toEqual([
      { param: 'patient', targetType: 'Patient', targetId: 'p1' },
    ]);
    expect(toPatient.reference.filter((r) => r.param === 'subject')).toHaveLength(1);
    const toGroup = extractor.extract('Condition', { resourceType: 'Condition', subject: { reference: 'Group/g1' } });
    expect(toGroup.reference.filter((r) => r.param === 'patient')).toEqual([]);
    expect(toGroup.reference.filter((r) => r.param === 'subject')).toEqual([
      { param: 'subject', targetType: 'Group', targetId: 'g1' },
    ]);
  });

  it('indexes CodeableConcept codings, choice types and open Periods', () => {
    const cond = extractor.extract('Condition', {
      resourceType: 'Condition',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }, { code: 'E11' }], text: 'Diabetes' },
      onsetPeriod: { start: '2020-01' },
      subject: { reference: 'Patient/p1' },
    });
    expect(cond.token.filter((r) => r.param === 'code').map((r) => `${r.system}|${r.code}`)).toEqual([
      'http://snomed.info/sct|44054006',
      '|E11',
    ]);
    expect(cond.date.filter((r) => r.param === 'onset-date')).toEqual([
      { param: 'onset-date', low: Date.UTC(2020, 0, 1), high: MAX_INSTANT },
    ]);
  });

  it('indexes a MedicationStatement medication as a token or a reference, by its type', () => {
    const byCode = extractor.extract('MedicationStatement', {
      resourceType: 'MedicationStatement',
      medicationCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '372567009' }] },
      subject: { reference: 'Patient/p1' },
    });
    expect(byCode.token.filter((r) => r.param === 'code')).toHaveLength(1);
    expect(byCode.reference.filter((r) => r.param === 'medication')).toHaveLength(0);
    const byRef = extractor.extract('MedicationStatement', {
      resourceType: 'MedicationStatement',
      medicationReference: { reference: 'Medication/m1' },
      subject: { reference: 'Patient/p1' },
    });
    expect(byRef.reference.filter((r) => r.param === 'medication')).toEqual([
      { param: 'medication', targetType: 'Medication', targetId: 'm1' },
    ]);
  });

  it('extracts only the asked-for reference parameters for a compartment check', () => {
    expect(
      extractor.references(
        'Condition',
        { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, asserter: { reference: 'Practitioner/x' } },
        ['patient', 'asserter'],
      ),
    ).toEqual([
      { param: 'patient', targetType: 'Patient', targetId: 'p1' },
      { param: 'asserter', targetType: 'Practitioner', targetId: 'x' },
    ]);
  });

  it('cuts long values to the column width', () => {
    const long = extractor.extract('Patient', { resourceType: 'Patient', name: [{ family: 'x'.repeat(400) }] });
    expect(long.string.find((r) => r.param === 'family')?.value).toHaveLength(255);
  });
});
