import type { AppConfig } from '../../config/app-config';
import { validateResource, validationOutcome } from './index';
import type { ValidationIssue } from './index';
import { ValidationPool } from './validation-pool';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

const patient = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  id: 'pat-1',
  meta: {
    lastUpdated: '2024-05-01T10:00:00.000Z',
    profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'],
  },
  identifier: [{ system: NHS, value: '9434765919' }],
  active: true,
  name: [{ use: 'official', family: 'Smith', given: ['Jane', 'Anne'], prefix: ['Mrs'] }],
  telecom: [{ system: 'phone', value: '01632 960587', use: 'home' }],
  gender: 'female',
  birthDate: '1968-02-14',
  address: [{ line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' }],
  generalPractitioner: [{ reference: 'Practitioner/gp-1', display: 'Dr Jones' }],
  ...extra,
});

const only = (issues: ValidationIssue[]) =>
  issues.map((i) => ({ severity: i.severity, code: i.code, expression: i.expression }));

/** The validation worker, sent each case alone: it must answer as validateResource does on the event loop. */
const workers = new ValidationPool({ validationWorkers: 1, nodeEnv: 'test' } as AppConfig);
afterAll(() => workers.onModuleDestroy());

const paths: [string, (resource: unknown, type: string) => Promise<ValidationIssue[]>][] = [
  ['on the event loop', async (resource, type) => validateResource(resource, type)],
  ['on a validation worker', async (resource, type) => (await workers.validate([{ type, resource }]))[0]],
];

describe.each(paths)('validateResource %s', (_path, validate) => {
  it.each<[string, Record<string, unknown>]>([
    ['a UK Core Patient', patient()],
    [
      'a Patient with a primitive extension and a choice element',
      patient({
        _birthDate: {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1968-02-14T09:30:00Z' },
          ],
        },
        deceasedBoolean: false,
        multipleBirthInteger: 2,
      }),
    ],
    [
      'a Patient with the other valid NHS number',
      patient({
        identifier: [
          { system: NHS, value: '9000000009' },
          { system: 'https://example.org/mrn', value: 'ABC' },
        ],
      }),
    ],
    [
      'a Practitioner',
      {
        resourceType: 'Practitioner',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: 'G1234567' }],
        name: [{ family: 'Jones', prefix: ['Dr'] }],
      },
    ],
    [
      'an Organization',
      {
        resourceType: 'Organization',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RR8' }],
        name: 'Leeds Teaching Hospitals',
      },
    ],
    [
      'an Observation with a quantity',
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001', display: 'Body weight' }] },
        subject: { reference: 'Patient/pat-1' },
        effectiveDateTime: '2024-05-01T09:00:00+01:00',
        valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
      },
    ],
    [
      'a Condition',
      {
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
        subject: { reference: 'Patient/pat-1', identifier: { system: NHS, value: '9434765919' } },
        onsetDateTime: '2019-03',
      },
    ],
    [
      'a MedicationRequest',
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '322236009' }] },
        subject: { reference: 'Patient/pat-1' },
        dosageInstruction: [
          { text: 'One tablet twice a day', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } },
        ],
      },
    ],
    [
      'a transaction Bundle',
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:8a1d6f52-4c3e-4a0e-9d59-2f4b1c7e6a10',
            resource: patient({ id: undefined }),
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      },
    ],
    [
      'a Patient with a contained Organization',
      patient({
        contained: [{ resourceType: 'Organization', id: 'org', name: 'GP surgery' }],
        managingOrganization: { reference: '#org' },
      }),
    ],
  ])('accepts %s', async (_name, resource) => {
    expect((await validate(resource, resource.resourceType as string)).filter((i) => i.severity === 'error')).toEqual(
      [],
    );
  });

  it.each<[string, Record<string, unknown>, Pick<ValidationIssue, 'code' | 'expression'>]>([
    [
      'a missing required element',
      { resourceType: 'Observation', code: { text: 'Weight' } },
      { code: 'required', expression: ['Observation.status'] },
    ],
    [
      'another missing required element',
      { resourceType: 'Observation', status: 'final' },
      { code: 'required', expression: ['Observation.code'] },
    ],
    [
      'a missing required element in a backbone element',
      { resourceType: 'Observation', status: 'final', code: { text: 'BP' }, component: [{ valueString: 'x' }] },
      { code: 'required', expression: ['Observation.component[0].code'] },
    ],
    [
      'a date that is not a date',
      patient({ birthDate: 'yesterday' }),
      { code: 'value', expression: ['Patient.birthDate'] },
    ],
    [
      'a code outside its required ValueSet',
      patient({ gender: 'x' }),
      { code: 'code-invalid', expression: ['Patient.gender'] },
    ],
    [
      'a status outside its required ValueSet',
      { resourceType: 'Observation', status: 'done', code: { text: 'Weight' } },
      { code: 'code-invalid', expression: ['Observation.status'] },
    ],
    [
      'a code outside its ValueSet in a datatype',
      patient({ telecom: [{ system: 'carrier-pigeon', value: '1' }] }),
      { code: 'code-invalid', expression: ['Patient.telecom[0].system'] },
    ],
    ['a boolean sent as a string', patient({ active: 'true' }), { code: 'value', expression: ['Patient.active'] }],
    [
      'a string sent as a number',
      patient({ name: [{ family: 42 }] }),
      { code: 'value', expression: ['Patient.name[0].family'] },
    ],
    [
      'a decimal where an integer belongs',
      patient({ multipleBirthInteger: 1.5 }),
      { code: 'value', expression: ['Patient.multipleBirth[x]'] },
    ],
    [
      'a malformed dateTime in a choice element',
      patient({ deceasedDateTime: 'last week' }),
      { code: 'value', expression: ['Patient.deceased[x]'] },
    ],
    [
      'a malformed instant',
      patient({ meta: { lastUpdated: '2024-05-01' } }),
      { code: 'value', expression: ['Patient.meta.lastUpdated'] },
    ],
    [
      'an unknown element',
      patient({ favouriteColour: 'blue' }),
      { code: 'structure', expression: ['Patient.favouriteColour'] },
    ],
    [
      'an unknown element inside a datatype',
      patient({ name: [{ family: 'Smith', nickname: 'Smithy' }] }),
      { code: 'structure', expression: ['Patient.name[0].nickname'] },
    ],
    [
      'an element named after an Object property',
      patient({ constructor: 'x' }),
      { code: 'structure', expression: ['Patient.constructor'] },
    ],
    [
      'a single value where an array belongs',
      patient({ name: 'Smith' }),
      { code: 'structure', expression: ['Patient.name'] },
    ],
    [
      'an array where a single value belongs',
      patient({ name: [{ family: ['Smith'] }] }),
      { code: 'structure', expression: ['Patient.name.family'] },
    ],
    [
      'a number where an object belongs',
      patient({ name: [1] }),
      { code: 'structure', expression: ['Patient.name[0]'] },
    ],
    ['an empty object', patient({ contact: [{}] }), { code: 'structure', expression: ['Patient.contact[0]'] }],
    [
      'a failed invariant',
      patient({ contact: [{ gender: 'male' }] }),
      { code: 'invariant', expression: ['Patient.contact[0]'] },
    ],
    ['a malformed id', patient({ id: 'not an id' }), { code: 'value', expression: ['Patient.id'] }],
    [
      'a contained resource of an unknown type',
      patient({ contained: [{ resourceType: 'Spaceship', id: 'x' }] }),
      { code: 'structure', expression: ['Patient.contained[0]'] },
    ],
    [
      'a contained resource that is not a resource',
      patient({ contained: [{ resourceType: 'HumanName', id: 'x' }] }),
      { code: 'structure', expression: ['Patient.contained[0]'] },
    ],
    [
      'a bad value inside a Bundle entry',
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient({ birthDate: '14/02/1968' }) }] },
      { code: 'value', expression: ['Bundle.entry[0].resource.birthDate'] },
    ],
    ['a null', patient({ birthDate: null }), { code: 'structure', expression: ['Patient.birthDate'] }],
  ])('reports %s', async (_name, resource, expected) => {
    expect(only(await validate(resource, resource.resourceType as string))).toEqual([
      { severity: 'error', ...expected },
    ]);
  });

  describe('resourceType', () => {
    it('must be the type expected', async () => {
      expect(await validate(patient(), 'Observation')).toEqual([
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'The resource is a Patient, but a Observation was expected',
          expression: ['resourceType'],
        },
      ]);
    });

    it.each<[string, unknown, string]>([
      ['no resourceType', { id: 'x' }, 'required'],
      ['an empty resourceType', { resourceType: '' }, 'required'],
      ['a number for resourceType', { resourceType: 7 }, 'required'],
      ['a JSON array', [patient()], 'structure'],
      ['a string', 'Patient', 'structure'],
      ['null', null, 'structure'],
    ])('is refused for %s', async (_name, body, code) => {
      expect(only(await validate(body, 'Patient'))).toEqual([
        { severity: 'error', code, expression: [expect.any(String)] },
      ]);
    });

    it('refuses a type R4 does not define, even when it matches', async () => {
      expect(only(await validate({ resourceType: 'Spaceship' }, 'Spaceship'))).toEqual([
        { severity: 'error', code: 'not-supported', expression: ['resourceType'] },
      ]);
      expect(only(await validate({ resourceType: 'DomainResource' }, 'DomainResource'))).toEqual([
        { severity: 'error', code: 'not-supported', expression: ['resourceType'] },
      ]);
      expect(only(await validate({ resourceType: 'constructor' }, 'constructor'))).toEqual([
        { severity: 'error', code: 'not-supported', expression: ['resourceType'] },
      ]);
    });
  });

  describe('NHS number (NHS Data Dictionary, Modulus 11)', () => {
    it.each(['9434765919', '9000000009', '4010232137', '9990000050'])('accepts %s', async (value) => {
      expect(await validate(patient({ identifier: [{ system: NHS, value }] }), 'Patient')).toEqual([]);
    });

    it.each<[string, string, RegExp]>([
      ['nine digits', '943476591', /exactly 10 digits/],
      ['eleven digits', '94347659190', /exactly 10 digits/],
      ['letters', '94347A5919', /exactly 10 digits/],
      ['spaces', '943 476 5919', /exactly 10 digits/],
      ['a wrong check digit', '9434765918', /wrong check digit: Modulus 11 gives 9, not 8/],
      ['nine digits whose check digit would be 10', '9990000000', /check digit 10/],
    ])('refuses %s (%s)', async (_name, value, message) => {
      const issues = await validate(
        patient({
          identifier: [
            { system: 'https://example.org/mrn', value: 'A1' },
            { system: NHS, value },
          ],
        }),
        'Patient',
      );
      expect(issues).toEqual([
        {
          severity: 'error',
          code: 'value',
          diagnostics: expect.stringMatching(message),
          expression: ['Patient.identifier[1].value'],
        },
      ]);
    });

    it('requires a value', async () => {
      expect(only(await validate(patient({ identifier: [{ system: NHS }] }), 'Patient'))).toEqual([
        { severity: 'error', code: 'required', expression: ['Patient.identifier[0].value'] },
      ]);
    });

    it('leaves other identifier systems alone', async () => {
      expect(
        await validate(patient({ identifier: [{ system: 'https://example.org/mrn', value: '123' }] }), 'Patient'),
      ).toEqual([]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      [
        'Practitioner.identifier',
        { resourceType: 'Practitioner', identifier: [{ system: NHS, value: '1234567890' }] },
        'Practitioner.identifier[0].value',
      ],
      [
        'RelatedPerson.identifier',
        {
          resourceType: 'RelatedPerson',
          patient: { reference: 'Patient/1' },
          identifier: [{ system: NHS, value: '1234567890' }],
        },
        'RelatedPerson.identifier[0].value',
      ],
      [
        'a Reference.identifier',
        {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { identifier: { system: NHS, value: '1234567890' } },
        },
        'Observation.subject.identifier.value',
      ],
      [
        'a nested Reference.identifier',
        patient({ generalPractitioner: [{ identifier: { system: NHS, value: '1234567890' } }] }),
        'Patient.generalPractitioner[0].identifier.value',
      ],
      [
        'an extension valueIdentifier',
        patient({
          extension: [{ url: 'https://example.org/ext', valueIdentifier: { system: NHS, value: '1234567890' } }],
        }),
        'Patient.extension[0].value[x].value',
      ],
      [
        'a contained resource',
        patient({
          contained: [{ resourceType: 'Patient', id: 'p2', identifier: [{ system: NHS, value: '1234567890' }] }],
        }),
        'Patient.contained[0].identifier[0].value',
      ],
      [
        'a Bundle entry',
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              resource: patient({ identifier: [{ system: NHS, value: '1234567890' }] }),
              request: { method: 'POST', url: 'Patient' },
            },
          ],
        },
        'Bundle.entry[0].resource.identifier[0].value',
      ],
    ])('is checked on %s', async (_name, resource, expression) => {
      expect(only(await validate(resource, resource.resourceType as string))).toEqual([
        { severity: 'error', code: 'value', expression: [expression] },
      ]);
    });
  });

  it('reports every problem once, with its location', async () => {
    const issues = await validate(
      patient({ birthDate: 'yesterday', gender: 'x', colour: 'blue', identifier: [{ system: NHS, value: '123' }] }),
      'Patient',
    );
    expect(only(issues).sort((a, b) => a.expression[0].localeCompare(b.expression[0]))).toEqual([
      { severity: 'error', code: 'value', expression: ['Patient.birthDate'] },
      { severity: 'error', code: 'structure', expression: ['Patient.colour'] },
      { severity: 'error', code: 'code-invalid', expression: ['Patient.gender'] },
      { severity: 'error', code: 'value', expression: ['Patient.identifier[0].value'] },
    ]);
  });

  it('keeps warnings apart from errors', async () => {
    const issues = await validate(
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Medication/1' } },
      'Observation',
    );
    expect(only(issues)).toEqual([{ severity: 'warning', code: 'structure', expression: ['Observation.subject'] }]);
  });

  it('answers a deeply nested body with an issue, not an exception', async () => {
    let ext: Record<string, unknown> = { url: 'https://example.org/leaf', valueString: 'x' };
    for (let i = 0; i < 20_000; i++) ext = { url: 'https://example.org/n', extension: [ext] };
    const issues = await validate(patient({ extension: [ext] }), 'Patient');
    expect(issues.some((i) => i.severity === 'error')).toBe(true);
  });

  it('renders issues as an OperationOutcome', async () => {
    expect(validationOutcome(await validate(patient({ birthDate: 'yesterday' }), 'Patient'))).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'value', diagnostics: 'Invalid date format', expression: ['Patient.birthDate'] },
      ],
    });
  });
});
