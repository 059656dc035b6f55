/**
 * One problem found in a resource, ready to become an OperationOutcome issue (R4 operationoutcome.html): `code` is an
 * IssueType (valueset-issue-type: `structure`, `required`, `value`, `invariant`, `code-invalid`, ...) and
 * `expression` the FHIRPath-like location of the problem, such as `Patient.identifier[0].value`.
 */
export interface ValidationIssue {
  severity: 'error' | 'warning';
  code: string;
  diagnostics: string;
  expression: string[];
}

/** An issue as the checks produce it; `shape` marks a value of the wrong JSON shape, whose contents go unreported. */
export interface FoundIssue extends ValidationIssue {
  shape?: boolean;
}

export function errorIssue(code: string, diagnostics: string, expression: string, shape = false): FoundIssue {
  return { severity: 'error', code, diagnostics, expression: [expression], ...(shape ? { shape } : {}) };
}
