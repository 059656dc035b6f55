import type { FhirResource } from '../fhir-resource-types';
import { NHS_NUMBER_SYSTEM } from '../validation/nhs-number';
import { nhsNumber } from './nhs-number';

/**
 * A small synthetic UK data set for demo mode. Everyone here is invented: NHS numbers come from the 999 range the NHS
 * keeps for test data, ODS codes and addresses are made up.
 */
const SNOMED = 'http://snomed.info/sct';
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

export interface DemoPatient {
  key: string;
  nhsNumber: string;
  family: string;
  given: string[];
  prefix: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string;
  line: string;
  city: string;
  postalCode: string;
}

export const DEMO_PATIENTS: DemoPatient[] = [
  {
    key: 'jones',
    nhsNumber: nhsNumber('999000001'),
    family: 'Jones',
    given: ['Amelia', 'Rose'],
    prefix: 'Mrs',
    gender: 'female',
    birthDate: '1956-03-14',
    line: '12 Cardigan Road',
    city: 'Leeds',
    postalCode: 'LS6 3AG',
  },
  {
    key: 'khan',
    nhsNumber: nhsNumber('999000002'),
    family: 'Khan',
    given: ['Imran'],
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1971-11-02',
    line: '4 Wellington Street',
    city: 'Bradford',
    postalCode: 'BD1 2SX',
  },
  {
    key: 'oconnor',
    nhsNumber: nhsNumber('999000003'),
    family: "O'Connor",
    given: ['Siobhán'],
    prefix: 'Ms',
    gender: 'female',
    birthDate: '1988-07-21',
    line: '77 Harrogate Road',
    city: 'Leeds',
    postalCode: 'LS7 3PD',
  },
  {
    key: 'williams',
    nhsNumber: nhsNumber('999000004'),
    family: 'Williams',
    given: ['Gareth', 'Huw'],
    prefix: 'Mr',
    gender: 'male',
    birthDate: '1949-01-30',
    line: '3 Abbey Lane',
    city: 'York',
    postalCode: 'YO1 7HH',
  },
  {
    key: 'begum',
    nhsNumber: nhsNumber('999000007'),
    family: 'Begum',
    given: ['Nadia'],
    prefix: 'Miss',
    gender: 'female',
    birthDate: '2004-09-09',
    line: '28 Kirkstall Road',
    city: 'Leeds',
    postalCode: 'LS4 2AZ',
  },
];

/** SDS user ids (NHS Spine Directory Service) of the demo practitioners: invented, from no real range. */
export const SDS_USER_ID_SYSTEM = 'https://fhir.nhs.uk/Id/sds-user-id';

export interface DemoPractitioner {
  key: string;
  sdsUserId: string;
  family: string;
  given: string[];
  prefix: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
}

export const DEMO_PRACTITIONERS: DemoPractitioner[] = [
  { key: 'patel', sdsUserId: '555000000101', family: 'Patel', given: ['Priya'], prefix: 'Dr', gender: 'female' },
  { key: 'hughes', sdsUserId: '555000000102', family: 'Hughes', given: ['Owen'], prefix: 'Dr', gender: 'male' },
];

export const DEMO_ORGANIZATIONS: {
  key: string;
  ods: string;
  name: string;
  type: string;
  typeDisplay: string;
  city: string;
  postalCode: string;
}[] = [
  {
    key: 'practice',
    ods: 'Y90001',
    name: 'Riverside Medical Practice',
    type: 'prov',
    typeDisplay: 'Healthcare Provider',
    city: 'Leeds',
    postalCode: 'LS1 4AP',
  },
  {
    key: 'trust',
    ods: 'Y90002',
    name: 'Northgate Hospitals NHS Trust',
    type: 'prov',
    typeDisplay: 'Healthcare Provider',
    city: 'Leeds',
    postalCode: 'LS9 7TF',
  },
];

export const DEMO_MEDICATIONS: { key: string; code: string; display: string }[] = [
  { key: 'metformin', code: '372567009', display: 'Metformin' },
  { key: 'amlodipine', code: '386864001', display: 'Amlodipine' },
  { key: 'salbutamol', code: '372897005', display: 'Salbutamol' },
];

/** Conditions: patient key, SNOMED CT code and display, onset. */
export const DEMO_CONDITIONS: { patient: string; code: string; display: string; onset: string }[] = [
  { patient: 'jones', code: '44054006', display: 'Diabetes mellitus type 2', onset: '2012-05-01' },
  { patient: 'jones', code: '38341003', display: 'Hypertensive disorder, systemic arterial', onset: '2015-09-17' },
  { patient: 'khan', code: '38341003', display: 'Hypertensive disorder, systemic arterial', onset: '2019-02-11' },
  { patient: 'oconnor', code: '195967001', display: 'Asthma', onset: '1996-06' },
  { patient: 'williams', code: '13645005', display: 'Chronic obstructive lung disease', onset: '2010-10-04' },
  { patient: 'begum', code: '35489007', display: 'Depressive disorder', onset: '2021-12-06' },
];

/** Medication use: patient, medication, start, dosage text. Each becomes a MedicationRequest and a MedicationStatement. */
export const DEMO_MEDICATION_USE: { patient: string; medication: string; start: string; dosage: string }[] = [
  { patient: 'jones', medication: 'metformin', start: '2012-05-14', dosage: '500 mg twice a day with meals' },
  { patient: 'jones', medication: 'amlodipine', start: '2015-10-01', dosage: '5 mg once a day' },
  { patient: 'khan', medication: 'amlodipine', start: '2019-02-25', dosage: '10 mg once a day' },
  { patient: 'oconnor', medication: 'salbutamol', start: '2018-03-09', dosage: '2 puffs when required' },
  {
    patient: 'williams',
    medication: 'salbutamol',
    start: '2010-10-20',
    dosage: '2 puffs four times a day when required',
  },
];

export function organizationResource(o: (typeof DEMO_ORGANIZATIONS)[number]): FhirResource {
  return {
    resourceType: 'Organization',
    identifier: [{ system: ODS, value: o.ods }],
    active: true,
    type: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: o.type, display: o.typeDisplay },
        ],
      },
    ],
    name: o.name,
    address: [{ city: o.city, postalCode: o.postalCode, country: 'GB' }],
  };
}

export function patientResource(p: DemoPatient, practiceId: string): FhirResource {
  return {
    resourceType: 'Patient',
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    active: true,
    name: [{ use: 'official', family: p.family, given: p.given, prefix: [p.prefix] }],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ use: 'home', line: [p.line], city: p.city, postalCode: p.postalCode, country: 'GB' }],
    generalPractitioner: [{ reference: `Organization/${practiceId}` }],
    managingOrganization: { reference: `Organization/${practiceId}` },
  };
}

export function practitionerResource(p: DemoPractitioner): FhirResource {
  return {
    resourceType: 'Practitioner',
    identifier: [{ system: SDS_USER_ID_SYSTEM, value: p.sdsUserId }],
    active: true,
    name: [{ use: 'official', family: p.family, given: p.given, prefix: [p.prefix] }],
    gender: p.gender,
  };
}

export function medicationResource(m: (typeof DEMO_MEDICATIONS)[number]): FhirResource {
  return {
    resourceType: 'Medication',
    code: { coding: [{ system: SNOMED, code: m.code, display: m.display }], text: m.display },
    status: 'active',
  };
}

export function conditionResource(c: (typeof DEMO_CONDITIONS)[number], patientId: string): FhirResource {
  return {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: VERIFICATION, code: 'confirmed' }] },
    category: [{ coding: [{ system: CONDITION_CATEGORY, code: 'problem-list-item', display: 'Problem List Item' }] }],
    code: { coding: [{ system: SNOMED, code: c.code, display: c.display }], text: c.display },
    subject: { reference: `Patient/${patientId}` },
    onsetDateTime: c.onset,
    recordedDate: c.onset,
  };
}

export function medicationRequestResource(
  u: (typeof DEMO_MEDICATION_USE)[number],
  patientId: string,
  medicationId: string,
  practiceId: string,
): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationReference: { reference: `Medication/${medicationId}` },
    subject: { reference: `Patient/${patientId}` },
    authoredOn: u.start,
    requester: { reference: `Organization/${practiceId}` },
    dosageInstruction: [{ text: u.dosage }],
  };
}

export function medicationStatementResource(
  u: (typeof DEMO_MEDICATION_USE)[number],
  patientId: string,
  medicationId: string,
  requestId: string,
): FhirResource {
  return {
    resourceType: 'MedicationStatement',
    status: 'active',
    basedOn: [{ reference: `MedicationRequest/${requestId}` }],
    medicationReference: { reference: `Medication/${medicationId}` },
    subject: { reference: `Patient/${patientId}` },
    effectivePeriod: { start: u.start },
    dosage: [{ text: u.dosage }],
  };
}
