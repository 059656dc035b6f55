import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { asOfType } from './fhirpath-expression';
import { expressionPartsFor, SearchParameterRegistry } from './search-parameter-registry';

describe('expressionPartsFor', () => {
  it('keeps only the branches of the resource type', () => {
    const expr =
      'AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient) | Condition.subject.where(resolve() is Patient)';
    expect(expressionPartsFor(expr, 'Condition')).toEqual(['Condition.subject.where(resolve() is Patient)']);
    expect(expressionPartsFor(expr, 'Patient')).toEqual([]);
  });

  it('keeps parenthesised casts and generic Resource branches', () => {
    expect(
      expressionPartsFor(
        '(MedicationRequest.medication as CodeableConcept) | (MedicationStatement.medication as CodeableConcept)',
        'MedicationStatement',
      ),
    ).toEqual(['(MedicationStatement.medication as CodeableConcept)']);
    expect(expressionPartsFor('Resource.meta.tag', 'Patient')).toEqual(['Resource.meta.tag']);
    expect(expressionPartsFor('Observation | Observation.component', 'Observation')).toEqual([
      'Observation',
      'Observation.component',
    ]);
  });
});

describe('SearchParameterRegistry', () => {
  const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);

  it('compiles a parameter set for every served type from the R4 definitions', () => {
    for (const type of SERVED_RESOURCE_TYPES) {
      expect(registry.forType(type).get('_id')?.source).toBe('id');
      expect(registry.forType(type).get('_lastUpdated')?.source).toBe('lastUpdated');
      expect(registry.indexed(type).length).toBeGreaterThan(3);
    }
  });

  it.each([
    ['Patient', 'identifier', 'token'],
    ['Patient', 'family', 'string'],
    ['Patient', 'given', 'string'],
    ['Patient', 'name', 'string'],
    ['Patient', 'birthdate', 'date'],
    ['Patient', 'gender', 'token'],
    ['Condition', 'patient', 'reference'],
    ['Condition', 'subject', 'reference'],
    ['MedicationStatement', 'patient', 'reference'],
    ['MedicationRequest', 'subject', 'reference'],
    ['Organization', 'name', 'string'],
  ])('%s.%s is a %s parameter', (type, code, paramType) => {
    const param = registry.get(type, code);
    expect(param?.type).toBe(paramType);
    expect(param?.url).toMatch(/^http:\/\/hl7\.org\/fhir\/SearchParameter\//);
  });

  it('turns `resolve() is Patient` into a target type filter', () => {
    const param = registry.get('Condition', 'patient')!;
    expect(param.parts).toHaveLength(1);
    expect(param.parts[0].resolveType).toBe('Patient');
  });

  it('leaves out types the index cannot hold and parameters it cannot honour', () => {
    expect(registry.get('Patient', 'phonetic')).toBeUndefined();
    expect(registry.get('Patient', '_content')).toBeUndefined();
    expect(registry.get('DocumentReference', 'relationship')).toBeUndefined(); // composite with swapped components
    expect(registry.get('Patient', '_profile')?.type).toBe('uri');
    expect(registry.get('Condition', 'onset-age')?.type).toBe('quantity');
    expect(registry.get('RiskAssessment', 'probability')?.type).toBe('number');
  });

  it('builds composites from their components, each evaluated on the elements of the composite', () => {
    const param = registry.get('Observation', 'component-code-value-quantity')!;
    expect(param.type).toBe('composite');
    expect(param.composite!.components.map((c) => [c.code, c.type])).toEqual([
      ['component-code', 'token'],
      ['component-value-quantity', 'quantity'],
    ]);
    const observation = {
      resourceType: 'Observation',
      component: [
        { code: { text: 'a' }, valueQuantity: { value: 1 } },
        { code: { text: 'b' }, valueQuantity: { value: 2 } },
      ],
    };
    const [value] = param.composite!.components.slice(1);
    expect(param.composite!.elements(observation).map((e) => value.evaluate(e, observation))).toEqual([
      [{ type: 'Quantity', value: { value: 1 } }],
      [{ type: 'Quantity', value: { value: 2 } }],
    ]);
    // %resource in a component is the resource the element belongs to.
    const chromosome = registry.get('MolecularSequence', 'chromosome-variant-coordinate')!.composite!;
    const sequence = {
      resourceType: 'MolecularSequence',
      referenceSeq: { chromosome: { text: '1' } },
      variant: [{ start: 5 }],
    };
    expect(chromosome.components[0].evaluate(chromosome.elements(sequence)[0], sequence)).toEqual([
      { type: 'CodeableConcept', value: { text: '1' } },
    ]);
  });

  it('evaluates `as` on repeating elements as ofType', () => {
    expect(asOfType('(Group.characteristic.value as boolean)')).toBe('(Group.characteristic.value).ofType(boolean)');
    expect(asOfType('Condition.onset.as(Age) | Condition.onset.as(Range)')).toBe(
      'Condition.onset.ofType(Age) | Condition.onset.ofType(Range)',
    );
    const values = registry.get('Group', 'value')!.parts.flatMap((p) =>
      p.evaluate({
        resourceType: 'Group',
        characteristic: [{ valueBoolean: true }, { valueBoolean: false }],
      }),
    );
    expect(values.map((v) => v.value)).toEqual([true, false]);
  });

  it('has no parameters for a type it does not serve', () => {
    expect(registry.forType('AuditEvent').size).toBe(0);
    expect(registry.forType('Nonsense').size).toBe(0);
  });

  it('evaluates a compiled expression with the FHIR type of each value', () => {
    const values = registry
      .get('Patient', 'birthdate')!
      .parts[0].evaluate({ resourceType: 'Patient', birthDate: '1970-05-02' });
    expect(values).toEqual([{ type: 'date', value: '1970-05-02' }]);
    const deceased = registry
      .get('Patient', 'deceased')!
      .parts[0].evaluate({ resourceType: 'Patient', deceasedBoolean: true });
    expect(deceased).toEqual([{ type: 'boolean', value: true }]);
  });
});
