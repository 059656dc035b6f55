import { parseExportParameters, parametersResource, queryParameters } from './bulk-export-parameters';

const served = (t: string) => ['Patient', 'Condition', 'Observation', 'Organization'].includes(t);
const parse = (
  query: Record<string, string | string[]>,
  level: 'system' | 'patient' | 'group' = 'system',
  lenient = false,
) => parseExportParameters(queryParameters(query), { level, lenient, isServedType: served });

describe('Bulk Data kick-off parameters (Bulk Data IG 2.0 §Query Parameters)', () => {
  it.each([
    [{ _outputFormat: 'application/fhir+ndjson' }, { types: [] }],
    [{ _outputFormat: 'ndjson' }, { types: [] }],
    [{ _type: 'Patient,Condition' }, { types: ['Patient', 'Condition'] }],
    [{ _type: ['Patient', 'Patient,Observation'] }, { types: ['Patient', 'Observation'] }],
    [{ _since: '2024-01-02T03:04:05+01:00' }, { since: '2024-01-02T02:04:05.000Z' }],
    [
      { _type: 'Condition', _typeFilter: 'Condition?code=1,Condition?code=2' },
      { typeFilters: { Condition: ['code=1', 'code=2'] } },
    ],
  ])('accepts %j', (query, expected) => {
    expect(parse(query)).toMatchObject(expected);
  });

  it.each([
    [{ _outputFormat: 'text/csv' }, /_outputFormat/],
    [{ _since: '2024-01-02' }, /_since must be a FHIR instant/],
    [{ _since: '2024-13-45T00:00:00Z' }, /_since/],
    [{ _type: 'Nope' }, /_type "Nope"/],
    [{ _typeFilter: 'Condition' }, /_typeFilter/],
    [{ _type: 'Patient', _typeFilter: 'Condition?code=1' }, /_type leaves out/],
    [{ _elements: 'id' }, /_elements is not supported/],
    [{ includeAssociatedData: 'LatestProvenanceResources' }, /not supported/],
    [{ foo: 'bar' }, /foo is not a parameter of \$export/],
    [{ patient: 'Patient/1' }, /Patient- and Group-level/],
  ])('refuses %j', (query, message) => {
    expect(() => parse(query)).toThrow(message);
  });

  it('ignores unknown and unsupported parameters with handling=lenient, but not invalid values', () => {
    expect(parse({ foo: 'bar', _elements: 'id', _type: 'Patient,Nope' }, 'system', true)).toMatchObject({
      types: ['Patient'],
    });
    expect(() => parse({ _since: 'yesterday' }, 'system', true)).toThrow(/_since/);
  });

  it('reads patient references at Patient and Group level', () => {
    expect(parse({ patient: ['Patient/a', 'http://x/fhir/Patient/b'] }, 'patient').patients).toEqual(['a', 'b']);
    expect(() => parse({ patient: 'Group/a' }, 'group')).toThrow(/must reference a Patient/);
  });

  it('reads a Parameters resource (POST kick-off)', () => {
    expect(
      parametersResource({
        resourceType: 'Parameters',
        parameter: [
          { name: '_type', valueString: 'Patient' },
          { name: '_since', valueInstant: '2024-01-01T00:00:00Z' },
          { name: 'patient', valueReference: { reference: 'Patient/p1' } },
        ],
      }),
    ).toEqual([
      { name: '_type', value: 'Patient' },
      { name: '_since', value: '2024-01-01T00:00:00Z' },
      { name: 'patient', value: 'Patient/p1' },
    ]);
    expect(parametersResource(undefined)).toEqual([]);
    expect(() => parametersResource({ resourceType: 'Patient' })).toThrow(/Parameters resource/);
    expect(() => parametersResource({ resourceType: 'Parameters', parameter: [{ name: 'x' }] })).toThrow(
      /parameter\[0\]/,
    );
  });
});
