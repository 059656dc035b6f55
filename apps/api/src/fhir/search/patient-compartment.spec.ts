import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { IndexExtractor } from './index-extractor';
import { PatientCompartment } from './patient-compartment';
import { SearchParameterRegistry } from './search-parameter-registry';

const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);
const extractor = new IndexExtractor(registry, 'http://localhost/fhir');
const compartment = new PatientCompartment(registry, SERVED_RESOURCE_TYPES);

describe('PatientCompartment', () => {
  it('takes the linking parameters from the R4 CompartmentDefinition', () => {
    expect(compartment.paramsFor('Condition')).toEqual(['patient', 'asserter']);
    expect(compartment.paramsFor('MedicationRequest')).toEqual(['subject']);
    expect(compartment.paramsFor('MedicationStatement')).toEqual(['subject']);
    expect(compartment.paramsFor('Patient')).toEqual(['link']);
  });

  it('does not confine types without patient data', () => {
    for (const type of [
      'Medication',
      'Organization',
      'Location',
      'Practitioner',
      'PractitionerRole',
      'HealthcareService',
    ]) {
      expect(compartment.confines(type)).toBe(false);
      expect(compartment.condition(type, 'p1')).toBeNull();
    }
  });

  it('confines a clinical search to references to the patient', () => {
    expect(compartment.condition('MedicationStatement', 'p1')).toEqual({
      kind: 'reference',
      params: ['subject'],
      values: [{ type: 'Patient', id: 'p1' }],
    });
  });

  it('confines Patient to the patient itself or patients linked to it', () => {
    expect(compartment.condition('Patient', 'p1')).toEqual({
      kind: 'or',
      items: [
        { kind: 'id', ids: ['p1'] },
        { kind: 'reference', params: ['link'], values: [{ type: 'Patient', id: 'p1' }] },
      ],
    });
  });

  it.each([
    ['Condition', { resourceType: 'Condition', subject: { reference: 'Patient/p1' } }, true],
    ['Condition', { resourceType: 'Condition', subject: { reference: 'Patient/p2' } }, false],
    [
      'Condition',
      { resourceType: 'Condition', subject: { reference: 'Group/g' }, asserter: { reference: 'Patient/p1' } },
      true,
    ],
    ['MedicationRequest', { resourceType: 'MedicationRequest', subject: { reference: 'Patient/p1' } }, true],
    ['MedicationRequest', { resourceType: 'MedicationRequest' }, false],
    ['Patient', { resourceType: 'Patient', id: 'p1' }, true],
    ['Patient', { resourceType: 'Patient', id: 'p2' }, false],
    [
      'Patient',
      { resourceType: 'Patient', id: 'p2', link: [{ other: { reference: 'Patient/p1' }, type: 'seealso' }] },
      true,
    ],
    ['Organization', { resourceType: 'Organization' }, true],
  ])('%s %j in the compartment of Patient/p1: %s', (type, resource, expected) => {
    expect(compartment.contains(type, resource, 'p1', extractor)).toBe(expected);
  });
});
