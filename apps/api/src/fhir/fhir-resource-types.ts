import { type2Parent } from 'fhirpath/fhir-context/r4';

/**
 * Every R4 resource type, from the R4 model the FHIRPath engine is generated from (the types whose parent is
 * Resource or DomainResource; R4 resourcelist.html).
 */
export const R4_RESOURCE_TYPES: readonly string[] = Object.entries(type2Parent as Record<string, string>)
  .filter(([type, parent]) => (parent === 'DomainResource' || parent === 'Resource') && type !== 'DomainResource')
  .map(([type]) => type)
  .sort();

/** Served from the audit trail, read-only (DESIGN.md §Audit): never stored by clients. */
export const AUDIT_EVENT = 'AuditEvent';

/**
 * The resource types kept in the generic store: every R4 type but AuditEvent. Storage, indexes, search parameters and
 * the CapabilityStatement all derive from this list.
 */
export const SERVED_RESOURCE_TYPES: readonly string[] = R4_RESOURCE_TYPES.filter((t) => t !== AUDIT_EVENT);

const SERVED = new Set<string>(SERVED_RESOURCE_TYPES);

export function isServedType(type: string): boolean {
  return SERVED.has(type);
}

/**
 * FHIR R4 datatypes.html#id: `[A-Za-z0-9\-\.]{1,64}`, but not `.` or `..`: RFC 3986 §5.2.4 removes those dot
 * segments, so no URL could address such a resource.
 */
export const FHIR_ID = /^(?!\.\.?$)[A-Za-z0-9\-.]{1,64}$/;

/** A FHIR resource as JSON: only what every resource has is typed (FHIR R4 resource.html). */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; [key: string]: unknown };
  [key: string]: unknown;
}
