import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { fhirErrors } from '../fhir-errors';
import type { FhirResource } from '../fhir-resource-types';
import { fhirBaseUrl } from '../fhir-urls';
import { IndexExtractor } from '../search/index-extractor';
import { PatientCompartment } from '../search/patient-compartment';
import type { SearchCondition } from '../search/search-condition';
import { SearchParameterRegistry } from '../search/search-parameter-registry';
import { parseSearchRequest } from '../search/search-request-parser';
import { ResourceStore } from '../store/resource-store';
import { rowsMeet } from './restriction-matcher';
import type { TypeGrant } from '../../scopes/token-access';

/**
 * Types outside the Patient compartment whose content can be anyone's data without a reference saying whose (a
 * Bundle holds whole records; a Binary any document): a patient-context token sees none of them.
 */
const OPAQUE_TO_PATIENTS = new Set(['Bundle', 'Binary']);

/**
 * Turns a token's grants into what the store can enforce: the conditions that confine a type to what the token may
 * see (its patient compartment, its SMART v2 `?param=value` restrictions), checked on every resource served.
 */
@Injectable()
export class FhirAccessPolicy {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly registry: SearchParameterRegistry,
    private readonly compartment: PatientCompartment,
    private readonly extractor: IndexExtractor,
    private readonly store: ResourceStore,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  /** The conditions every resource of `type` served under `grant` must meet (none: unconfined). */
  conditions(type: string, grant: TypeGrant): SearchCondition[] {
    const out: SearchCondition[] = [];
    const patient = grant.patientCompartment;
    if (patient) out.push(this.compartmentCondition(type, patient));
    const restriction = this.scopeRestriction(type, grant);
    if (restriction) out.push(restriction);
    return out;
  }

  /** Whether `grant` carries SMART v2 `?param=value` restrictions on `type`. */
  restricted(type: string, grant: TypeGrant): boolean {
    return this.scopeRestriction(type, grant) !== null;
  }

  /**
   * R4 compartmentdefinition-patient.html: a type in the compartment is confined to resources linked to the patient;
   * a type outside it is visible unless it refers to another patient (or is opaque, see OPAQUE_TO_PATIENTS).
   */
  private compartmentCondition(type: string, patient: string): SearchCondition {
    const inCompartment = this.compartment.condition(type, patient);
    if (inCompartment) return inCompartment;
    if (OPAQUE_TO_PATIENTS.has(type)) return { kind: 'none' };
    return { kind: 'not', item: { kind: 'referencesOther', targetType: 'Patient', exceptId: patient } };
  }

  /**
   * SMART v2 `?param=value` restrictions (SMART App Launch 2.x §Finer-grained resource constraints): with every
   * granting scope restricted, a resource must meet one scope's query. A query this server cannot evaluate grants
   * nothing.
   */
  private scopeRestriction(type: string, grant: TypeGrant): SearchCondition | null {
    const scopes = grant.matched;
    if (scopes.length === 0 || scopes.some((s) => s.query.length === 0)) return null;
    return {
      kind: 'or',
      items: scopes.map((s): SearchCondition => {
        const query: Record<string, string[]> = {};
        for (const [k, v] of s.query) (query[k] ??= []).push(v);
        try {
          const parsed = parseSearchRequest(type, query, this.registry, { strict: true, fhirBase: this.base });
          return { kind: 'and', items: parsed.conditions };
        } catch {
          return { kind: 'none' };
        }
      }),
    };
  }

  /** Whether the stored resource is within the grant's reach (compartment and scope restrictions). */
  async visible(type: string, id: string, grant: TypeGrant): Promise<boolean> {
    const patient = grant.patientCompartment;
    const restriction = this.scopeRestriction(type, grant);
    if (!patient && !restriction) return true;
    if (type === 'Patient' && id === patient && !restriction) return true;
    const conditions = this.conditions(type, grant);
    return this.store.matches(type, id, { kind: 'and', items: conditions });
  }

  /**
   * Whether a version's content (history, writes) is in the grant's patient compartment, checked on the content
   * itself since old versions have no index rows.
   */
  contentInCompartment(type: string, resource: FhirResource, grant: TypeGrant): boolean {
    const patient = grant.patientCompartment;
    if (!patient) return true;
    if (this.compartment.confines(type)) return this.compartment.contains(type, resource, patient, this.extractor);
    if (OPAQUE_TO_PATIENTS.has(type)) return false;
    const rows = this.extractor.extract(type, resource).reference;
    return !rows.some((r) => r.targetType === 'Patient' && r.targetId !== patient);
  }

  /** What a write must satisfy before anything is stored. */
  assertWritable(type: string, resource: FhirResource, grant: TypeGrant): void {
    if (!this.contentInCompartment(type, resource, grant)) throw fhirErrors.outsideCompartment(type);
    // SMART App Launch 2.x §Finer-grained resource constraints: the written resource must meet the restriction,
    // evaluated on the rows the search index would hold for it; a query that cannot be evaluated refuses the write.
    const restriction = this.scopeRestriction(type, grant);
    if (!restriction) return;
    const verdict = rowsMeet(restriction, this.extractor.extract(type, resource));
    if (verdict === null) throw fhirErrors.restrictedWrite(type);
    if (!verdict) throw fhirErrors.outsideRestriction(type);
  }
}
