import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { compileFhirpath } from './fhirpath-expression';
import { compileChoiceFlag, compilePlainPath, PlainPath, plainPathPlan } from './json-path-walker';
import { SearchParameterRegistry } from './search-parameter-registry';

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
