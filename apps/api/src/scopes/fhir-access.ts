import type { ResourceScope } from '@ccri/smart-scopes';

/**
 * What the scope guard decided for a FHIR request, for the FHIR service to enforce on what it returns.
 * `patientCompartment` set means every resource served must be in that patient's compartment.
 */
export interface FhirAccess {
  interaction: string;
  resourceType?: string;
  /** The granted resource scopes that permit this request (empty for public types and system-level routes). */
  matched: readonly ResourceScope[];
  patientCompartment?: string;
  /** True when the type is readable by any valid token (DESIGN.md §Scopes, public resource types). */
  publicType: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    fhirAccess?: FhirAccess;
  }
}
