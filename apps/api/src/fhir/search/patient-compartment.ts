import { CompartmentDefinition, r4PatientCompartment } from '../definitions/r4-definitions';
import type { FhirResource } from '../fhir-resource-types';
import type { IndexExtractor } from './index-extractor';
import type { SearchCondition } from './search-condition';
import type { SearchParameterRegistry } from './search-parameter-registry';

/**
 * Membership of the Patient compartment (FHIR R4 compartmentdefinition-patient.html): a resource is in Patient/P's
 * compartment when one of the reference parameters the CompartmentDefinition lists for its type points at Patient/P;
 * Patient/P itself is the compartment's focus. Types the definition gives no parameter (Medication, Organization, …)
 * hold no patient data and are not confined.
 */
export class PatientCompartment {
  private readonly params = new Map<string, string[]>();

  constructor(
    registry: SearchParameterRegistry,
    types: readonly string[],
    definition: CompartmentDefinition = r4PatientCompartment(),
  ) {
    for (const entry of definition.resource) {
      if (!types.includes(entry.code)) continue;
      const params = (entry.param ?? []).filter((code) => registry.get(entry.code, code)?.type === 'reference');
      if (params.length > 0 || entry.code === 'Patient') this.params.set(entry.code, params);
    }
  }

  /** Whether resources of this type are confined to a patient's compartment. */
  confines(type: string): boolean {
    return this.params.has(type);
  }

  /** The reference parameters linking the type to its patient (e.g. Condition: patient, asserter). */
  paramsFor(type: string): readonly string[] {
    return this.params.get(type) ?? [];
  }

  /** The search condition "in Patient/patientId's compartment"; null when the type is not confined. */
  condition(type: string, patientId: string): SearchCondition | null {
    const params = this.params.get(type);
    if (!params) return null;
    const byReference: SearchCondition | null =
      params.length > 0 ? { kind: 'reference', params, values: [{ type: 'Patient', id: patientId }] } : null;
    if (type !== 'Patient') return byReference ?? { kind: 'none' };
    const self: SearchCondition = { kind: 'id', ids: [patientId] };
    return byReference ? { kind: 'or', items: [self, byReference] } : self;
  }

  /** Whether a resource (typically one about to be written) is in the compartment. */
  contains(type: string, resource: FhirResource, patientId: string, extractor: IndexExtractor): boolean {
    const params = this.params.get(type);
    if (!params) return true;
    if (type === 'Patient' && resource.id === patientId) return true;
    return extractor
      .references(type, resource, params)
      .some((r) => r.targetType === 'Patient' && r.targetId === patientId);
  }
}
