import { bearerError, DomainError } from '../common/errors/domain-error';

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
  unsupportedMediaType: (contentType: string | undefined, expected = 'application/fhir+json') =>
    new DomainError(
      415,
      'fhir_unsupported_media_type',
      `Content-Type ${contentType ? `"${contentType.slice(0, 100)}"` : '(none)'} is not supported; send ${expected}`,
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
  // SMART App Launch 2.x §Finer-grained resource constraints: the written resource does not meet the scope's query.
  outsideRestriction: (type: string) =>
    bearerError(
      403,
      'insufficient_scope',
      `The ${type} written does not meet the ?param=value restriction of the token's scope`,
      'restricted_scope_write',
    ),
  // SMART App Launch 2.x §Finer-grained resource constraints: a restriction this server cannot evaluate on new content.
  restrictedWrite: (type: string) =>
    new DomainError(
      403,
      'fhir_restricted_scope_write',
      `Writing ${type} under this scope's ?param=value restriction is not supported (only token and reference parameters)`,
      {
        fhirIssue: 'forbidden',
        auditReason: 'restricted_scope_write',
      },
    ),
  // R4 http.html#concurrency: If-Match names a version that is not the current one.
  versionConflict: (type: string, id: string, expected: number, current?: number) =>
    new DomainError(
      412,
      'fhir_version_conflict',
      current === undefined
        ? `${type}/${id} does not exist, so it is not at version ${expected}`
        : `${type}/${id} is at version ${current}, not ${expected} (If-Match)`,
      { fhirIssue: 'conflict' },
    ),
  badIfMatch: (value: string) =>
    new DomainError(400, 'fhir_bad_if_match', `If-Match must be an ETag such as W/"3", got "${value.slice(0, 64)}"`, {
      fhirIssue: 'invalid',
    }),
  // R4 http.html#cdelete: a conditional delete whose search matches nothing.
  noMatch: (type: string) =>
    new DomainError(404, 'fhir_no_match', `No ${type} resource matches the condition`, { fhirIssue: 'not-found' }),
  // R4 http.html#ccreate: more than one resource matches If-None-Exist.
  multipleMatches: (type: string, count: number) =>
    new DomainError(
      412,
      'fhir_multiple_matches',
      `${count} ${type} resources match the condition; expected at most one`,
      {
        fhirIssue: 'multiple-matches',
      },
    ),
  methodNotAllowed: (message: string) =>
    new DomainError(405, 'fhir_method_not_allowed', message, { fhirIssue: 'not-supported' }),
  // R4 http.html#2.21.0.12: a resource that breaks the rules of its type or profile is 422.
  unprocessable: (message: string, issues: { field: string; message: string }[] = []) =>
    new DomainError(422, 'fhir_unprocessable', message, {
      fhirIssue: 'processing',
      ...(issues.length ? { fieldErrors: issues } : {}),
    }),
  invalidPatch: (message: string, status: 400 | 422 = 400) =>
    new DomainError(status, 'fhir_invalid_patch', message, { fhirIssue: status === 400 ? 'invalid' : 'processing' }),
  invalidBundle: (message: string, expression?: string) =>
    new DomainError(400, 'fhir_invalid_bundle', message, {
      fhirIssue: 'invalid',
      ...(expression ? { fieldErrors: [{ field: expression, message }] } : {}),
    }),
  restrictedHistory: (type: string) =>
    new DomainError(
      403,
      'fhir_restricted_scope_history',
      `History of ${type} is not available under a scope with a ?param=value restriction`,
      { fhirIssue: 'forbidden', auditReason: 'restricted_scope_history' },
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

/** One issue of an OperationOutcome (R4 operationoutcome.html), with its own severity, code and location. */
export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics: string;
  expression?: string[];
}

/**
 * An error answered with an OperationOutcome of several issues, each with its own code and location (validation:
 * one issue per problem). Rendered by FhirOutcomeFilter.
 */
export class FhirOutcomeError extends DomainError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly issues: OutcomeIssue[],
  ) {
    super(status, code, message, {
      fhirIssue: issues.find((i) => i.severity === 'error' || i.severity === 'fatal')?.code ?? 'invalid',
      fieldErrors: issues.map((i) => ({ field: i.expression?.[0] ?? '', message: i.diagnostics })),
    });
  }

  outcome(): { resourceType: 'OperationOutcome'; issue: OutcomeIssue[] } {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }
}
