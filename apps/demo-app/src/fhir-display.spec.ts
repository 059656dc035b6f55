import { describe, expect, it } from 'vitest';
import {
  authorizationErrorMessage,
  dosageText,
  expiryText,
  grants,
  medicationName,
  nhsNumber,
  patientName,
} from './fhir-display';
import type { Medication, MedicationRequest, MedicationStatement, Patient } from './fhir-types';
import { EHR_SCOPE, STANDALONE_SCOPE, fhirBase, redirectUri, serverBase } from './smart-config';

const patient: Patient = {
  resourceType: 'Patient',
  identifier: [
    { system: 'https://example.org/mrn', value: 'MRN-1' },
    { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' },
  ],
  name: [
    { use: 'usual', given: ['Amy'], family: 'Jones' },
    { use: 'official', given: ['Amelia', 'Rose'], family: 'Jones' },
  ],
};

describe('patient banner words', () => {
  it('shows the official name, given names first', () => {
    expect(patientName(patient)).toBe('Amelia Rose Jones');
    expect(patientName({ resourceType: 'Patient', name: [{ text: 'Dr Who' }] })).toBe('Dr Who');
    expect(patientName({ resourceType: 'Patient' })).toBe('Unnamed patient');
  });

  it('shows the NHS number from its own identifier system, grouped 3-3-4', () => {
    expect(nhsNumber(patient)).toBe('999 000 0018');
    expect(
      nhsNumber({ resourceType: 'Patient', identifier: [{ system: 'https://example.org/mrn', value: '1' }] }),
    ).toBe(null);
  });
});

describe('medication names', () => {
  const metformin: Medication = { resourceType: 'Medication', id: 'm1', code: { coding: [{ display: 'Metformin' }] } };
  const byRef = new Map([['Medication/m1', metformin]]);

  it('resolves a referenced Medication, falling back to the reference display', () => {
    const request: MedicationRequest = {
      resourceType: 'MedicationRequest',
      medicationReference: { reference: 'Medication/m1' },
      dosageInstruction: [{ text: '500 mg twice a day' }],
    };
    expect(medicationName(request, byRef)).toBe('Metformin');
    expect(medicationName(request, new Map())).toBe('Unnamed medication');
    expect(
      medicationName({ ...request, medicationReference: { reference: 'Medication/x', display: 'Aspirin' } }, byRef),
    ).toBe('Aspirin');
    expect(dosageText(request)).toBe('500 mg twice a day');
  });

  it('prefers an inline code', () => {
    const statement: MedicationStatement = {
      resourceType: 'MedicationStatement',
      medicationCodeableConcept: { text: 'Salbutamol inhaler' },
      dosage: [{ text: '2 puffs' }],
    };
    expect(medicationName(statement, byRef)).toBe('Salbutamol inhaler');
    expect(dosageText(statement)).toBe('2 puffs');
  });
});

describe('which resource types the granted scope lets the app read and search', () => {
  it.each([
    ['patient/Condition.rs', 'Condition', 's', true],
    ['patient/Condition.r', 'Condition', 's', false],
    ['patient/Condition.r', 'Condition', 'r', true],
    ['patient/Condition.read', 'Condition', 's', true],
    ['patient/*.rs', 'MedicationStatement', 's', true],
    ['user/Condition.s?category=problem-list-item', 'Condition', 's', true],
    ['patient/MedicationRequest.rs', 'MedicationStatement', 's', false],
    ['openid fhirUser launch/patient', 'Patient', 'r', false],
  ] as const)('%s grants %s %s: %s', (scope, type, permission, expected) => {
    expect(grants(scope, type, permission)).toBe(expected);
  });
});

describe('the scopes the app asks for', () => {
  it('asks for a patient in standalone launch and for the EHR context in EHR launch, with offline access', () => {
    expect(STANDALONE_SCOPE.split(' ')).toEqual(expect.arrayContaining(['openid', 'fhirUser', 'launch/patient']));
    expect(EHR_SCOPE.split(' ')).toContain('launch');
    expect(EHR_SCOPE.split(' ')).not.toContain('launch/patient');
    for (const scope of [STANDALONE_SCOPE, EHR_SCOPE]) {
      expect(scope.split(' ')).toEqual(
        expect.arrayContaining(['offline_access', 'patient/Patient.rs', 'patient/MedicationStatement.rs']),
      );
    }
  });
});

describe('where the app finds its server', () => {
  it.each([
    ['http://localhost:3000/demo-app/?code=x&state=y', 'http://localhost:3000'],
    ['http://localhost:3000/demo-app/launch.html?iss=a&launch=b', 'http://localhost:3000'],
    ['https://example.org/ccri/demo-app/', 'https://example.org/ccri'],
  ])('from %s: the server %s, its FHIR base and the redirect URI', (page, server) => {
    expect(serverBase(page)).toBe(server);
    expect(fhirBase(page)).toBe(`${server}/fhir`);
    expect(redirectUri(page)).toBe(`${server}/demo-app/`);
  });
});

describe('messages', () => {
  it('says plainly that the person denied access', () => {
    expect(authorizationErrorMessage('access_denied', null)).toBe(
      'You denied access, so the app cannot show your record.',
    );
    expect(authorizationErrorMessage('weird_error', 'Something odd')).toBe(
      'Sign-in failed (weird_error). Something odd',
    );
  });

  it('says when the refreshed token expires', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(expiryText(now / 1000 + 3600, now)).toMatch(/in 3600 seconds/);
    expect(expiryText(undefined, now)).toMatch(/did not say/);
  });
});
