import { DomainError } from '../common/errors/domain-error';

/**
 * The FHIR module's errors, each with a stable code. The global filter renders them as an OperationOutcome with the
 * status and IssueType given here (FHIR R4 http.html "Status codes", valueset-issue-type).
 */
export const fhirErrors = {
  unsupportedType: (type: string) =>
    new DomainError(404, 'fhir_type_not_supported', `Resource type "${type}" is not supported by this server`, {
      fhirIssue: 'not-supported',
    }),
  notFound: (type: string, id: string) =>
    new DomainError(404, 'fhir_resource_not_found', `${type}/${id} is not known`, { fhirIssue: 'not-found' }),
  versionNotFound: (type: string, id: string, version: string) =>
    new DomainError(404, 'fhir_version_not_found', `${type}/${id}/_history/${version} is not known`, {
      fhirIssue: 'not-found',
    }),
  // R4 http.html#read: a deleted resource answers 410 Gone.
  deleted: (type: string, id: string) =>
    new DomainError(410, 'fhir_resource_deleted', `${type}/${id} has been deleted`, { fhirIssue: 'deleted' }),
  invalidResource: (message: string, expression?: string) =>
    new DomainError(400, 'fhir_invalid_resource', message, {
      fhirIssue: 'invalid',
      ...(expression ? { fieldErrors: [{ field: expression, message }] } : {}),
    }),
  unsupportedMediaType: (contentType: string | undefined) =>
    new DomainError(
      415,
      'fhir_unsupported_media_type',
      `Content-Type ${contentType ? `"${contentType}"` : '(none)'} is not supported; send application/fhir+json`,
      {
        fhirIssue: 'not-supported',
      },
    ),
  invalidSearch: (message: string) => new DomainError(400, 'fhir_invalid_search', message, { fhirIssue: 'invalid' }),
  // R4 search.html#errors: with `Prefer: handling=strict` an unknown parameter is an error.
  unknownSearchParameter: (type: string, name: string) =>
    new DomainError(400, 'fhir_unknown_search_parameter', `Search parameter "${name}" is not supported for ${type}`, {
      fhirIssue: 'not-supported',
    }),
  unsupportedModifier: (name: string, modifier: string) =>
    new DomainError(
      400,
      'fhir_unsupported_modifier',
      `Modifier ":${modifier}" is not supported on search parameter "${name}"`,
      { fhirIssue: 'not-supported' },
    ),
  // SMART App Launch 2.x §Finer-grained resource constraints: writes under a `?param=value` scope are not supported yet.
  restrictedWrite: (type: string) =>
    new DomainError(
      403,
      'fhir_restricted_scope_write',
      `Writing ${type} under a scope with a ?param=value restriction is not supported`,
      {
        fhirIssue: 'forbidden',
        auditReason: 'restricted_scope_write',
      },
    ),
  outsideCompartment: (type: string) =>
    new DomainError(
      403,
      'fhir_outside_patient_compartment',
      `This ${type} is outside the patient compartment the access token is confined to`,
      {
        fhirIssue: 'forbidden',
        auditReason: 'outside_patient_compartment',
      },
    ),
};
