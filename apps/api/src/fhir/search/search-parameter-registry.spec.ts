import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import {
  asOfType,
  compileChoiceFlag,
  compileFhirpath,
  compilePlainPath,
  expressionPartsFor,
  PlainPath,
  plainPathPlan,
  SearchParameterRegistry,
} from './search-parameter-registry';

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

describe('compilePlainPath', () => {
  const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);

  /** A value of each type; complex types get an object with members of several types. */
  const sample = (type: string, n: number): unknown => {
    if (type === 'boolean') return n % 2 === 0;
    if (/^(integer|positiveInt|unsignedInt)$/.test(type)) return n + 1;
    if (type === 'decimal') return n + 0.25;
    if (type === 'date') return `202${n}-02-03`;
    if (type === 'dateTime') return `202${n}-02-03T04:05:06+01:00`;
    if (type === 'instant') return `202${n}-02-03T04:05:06.789Z`;
    if (type === 'time') return `04:05:0${n}`;
    if (/^[a-z]/.test(type)) return `value ${n}`;
    return {
      id: `e${n}`,
      text: `t${n}`,
      system: 'http://example.org',
      code: `c${n}`,
      value: n,
      reference: `Patient/p${n}`,
    };
  };
  const extension = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };

  /**
   * A resource with values along a plan's steps: each member one object (`repeat` false), or two items (a filter
   * matching one of them) and, on a primitive value, a null and an extension-only entry besides.
   */
  const resourceAlong = (type: string, plan: PlainPath, repeat: boolean): Record<string, unknown> => {
    let n = 0;
    const build = (index: number): Record<string, unknown> => {
      const step = plan.steps[index];
      if (!('member' in step)) throw new Error('a filter is built by its member');
      const filter = plan.steps[index + 1];
      const last = plan.steps.slice(index + 1).every((s) => !('member' in s));
      const item = (matching: boolean): unknown => {
        const value = last ? sample(plan.valueType, ++n) : build(index + (filter && 'where' in filter ? 2 : 1));
        if (!filter || !('where' in filter)) return value;
        return { ...(value as object), [filter.where]: matching ? filter.equals : `not ${filter.equals}` };
      };
      if (!repeat) return { [step.member]: item(true) };
      const primitive = last && /^[a-z]/.test(plan.valueType);
      return {
        [step.member]: primitive ? [item(true), null, item(false)] : [item(true), item(false)],
        ...(primitive ? { [`_${step.member}`]: [null, extension, null] } : {}),
      };
    };
    return { resourceType: type, id: 'r1', ...build(0) };
  };

  const plainParts = SERVED_RESOURCE_TYPES.flatMap((type) =>
    registry
      .indexed(type)
      .flatMap((param) =>
        param.parts.map((part) => part.expression.replace(/\.where\(resolve\(\) is [A-Za-z]+\)$/, '')),
      )
      .filter((expression) => compilePlainPath(expression) !== null)
      .map((expression) => [type, expression] as const),
  );

  it("takes most of the definitions' expressions, filters and casts among them", () => {
    expect(plainParts.length).toBeGreaterThan(2000);
    expect(plainParts.filter(([, e]) => e.includes('.where(')).length).toBeGreaterThan(40);
    expect(plainParts.filter(([, e]) => e.startsWith('(')).length).toBeGreaterThan(100);
  });

  it('gives what fhirpath.js gives on every plain path of every served type', () => {
    let compared = 0;
    for (const [type, expression] of plainParts) {
      const fast = compilePlainPath(expression)!;
      const reference = compileFhirpath(expression);
      // A path ending in an uncast choice is tried with each of its members, then with all of them at once.
      const plan = plainPathPlan(expression)!;
      const last = plan.steps[plan.steps.length - 1];
      const variants =
        'choice' in last
          ? last.choice.map((c) => ({
              ...plan,
              steps: [...plan.steps.slice(0, -1), { member: c.member }],
              valueType: c.type,
            }))
          : [plan];
      for (const variant of variants) {
        for (const repeat of [false, true]) {
          const resource = resourceAlong(type, variant, repeat);
          const expected = reference(resource);
          expect({ expression, repeat, values: fast(resource) }).toEqual({ expression, repeat, values: expected });
          expect(expected.length).toBeGreaterThan(0);
          compared++;
        }
      }
      if (variants.length > 1) {
        const all = Object.assign({}, ...variants.map((v) => resourceAlong(type, v, false))) as object;
        expect({ expression, values: fast(all) }).toEqual({ expression, values: reference(all) });
      }
      expect(fast({ resourceType: type })).toEqual([]);
    }
    // Every shape of every path found values: no comparison was of two empty lists.
    expect(compared).toBeGreaterThanOrEqual(plainParts.length * 2);
  });

  it('filters on the literal and reads a cast choice from its typed member', () => {
    const email = compilePlainPath("Patient.telecom.where(system='email')")!;
    const telecom = [
      { system: 'phone', value: '1' },
      { system: 'email', value: 'a@example.org' },
    ];
    expect(email({ resourceType: 'Patient', telecom })).toEqual([{ type: 'ContactPoint', value: telecom[1] }]);
    const quantity = compilePlainPath('(Observation.value as Quantity)')!;
    expect(quantity({ resourceType: 'Observation', valueQuantity: { value: 5 } })).toEqual([
      { type: 'Quantity', value: { value: 5 } },
    ]);
    expect(quantity({ resourceType: 'Observation', valueString: '5' })).toEqual([]);
    const effective = compilePlainPath('Observation.effective')!;
    expect(effective({ resourceType: 'Observation', effectivePeriod: { start: '2020' } })).toEqual([
      { type: 'Period', value: { start: '2020' } },
    ]);
    expect(effective({ resourceType: 'Observation', effectiveDateTime: '2020-01-02' })).toEqual([
      { type: 'dateTime', value: '2020-01-02' },
    ]);
  });

  it('keeps a resource of another type out, unless the path is on Resource', () => {
    expect(compilePlainPath('Patient.name')!({ resourceType: 'Person', name: [{ family: 'X' }] })).toEqual([]);
    expect(compilePlainPath('Resource.meta.tag')!({ resourceType: 'Person', meta: { tag: [{ code: 't' }] } })).toEqual([
      { type: 'Coding', value: { code: 't' } },
    ]);
  });

  it('leaves other functions, members of choices, content references and untyped steps to fhirpath.js', () => {
    for (const expression of [
      '(Observation.value as Quantity).value',
      'Observation.value.code',
      "Patient.name.where(given='x')",
      'Patient.deceased.exists() and Patient.deceased != false',
      "Composition.section.where(code='x').entry",
      'Bundle.entry[0].resource',
      'Questionnaire.item.item.linkId',
      'Patient.contact',
      'Bundle.entry.resource',
      'Patient',
    ])
      expect(compilePlainPath(expression)).toBeNull();
  });
});

describe('compileChoiceFlag', () => {
  const expression = 'Patient.deceased.exists() and Patient.deceased != false';

  it.each([
    ['absent', {}],
    ['true', { deceasedBoolean: true }],
    ['false', { deceasedBoolean: false }],
    ['a date', { deceasedDateTime: '2020-01-02' }],
    ['only an extension', { _deceasedBoolean: { extension: [{ url: 'http://example.org/x', valueString: 'x' }] } }],
    ['two values', { deceasedBoolean: false, deceasedDateTime: '2020-01-02' }],
  ])('gives what fhirpath.js gives where deceased[x] is %s', (_, values) => {
    const resource = { resourceType: 'Patient', ...values };
    expect(compileChoiceFlag(expression)!(resource)).toEqual(compileFhirpath(expression)(resource));
  });

  it('serves Patient deceased, and nothing that is not a choice element', () => {
    const registry = new SearchParameterRegistry(['Patient']);
    expect(registry.get('Patient', 'deceased')!.parts[0].evaluate({ resourceType: 'Patient' })).toEqual([
      { type: 'boolean', value: false },
    ]);
    expect(compileChoiceFlag('Patient.active.exists() and Patient.active != false')).toBeNull();
    expect(compileChoiceFlag('Patient.deceased.exists() and Observation.deceased != false')).toBeNull();
  });
});
