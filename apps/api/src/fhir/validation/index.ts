import { OperationOutcomeError, isResourceType, validateResource as validateStructure } from '@medplum/core';
import { ensureR4Schema } from './r4-schema';
import { loadR4Terminology } from './required-bindings';
import { checkResource } from './resource-checks';
import { errorIssue } from './validation-issue';
import type { FoundIssue, ValidationIssue } from './validation-issue';

export type { ValidationIssue } from './validation-issue';

/**
 * Validates a resource a client sent against the R4 StructureDefinitions (cardinality, element names, primitive
 * formats, invariants, with the maintained validator of @medplum/core), the `required` bindings of `code` elements
 * and the NHS number check digit. Returns one issue per problem, each with its location; the resource is valid when
 * no issue has severity `error` (R4 http.html, create and update: an invalid resource is a 422 with an OperationOutcome).
 */
export function validateResource(resource: unknown, expectedType: string): ValidationIssue[] {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return [errorIssue('structure', 'The resource must be a JSON object', expectedType)];
  }
  const body = resource as Record<string, unknown>;
  const type = body.resourceType;
  if (typeof type !== 'string' || type === '')
    return [errorIssue('required', 'The resource has no resourceType', 'resourceType')];
  if (type !== expectedType) {
    return [
      errorIssue(
        'invalid',
        `The resource is a ${type.slice(0, 64)}, but a ${expectedType} was expected`,
        'resourceType',
      ),
    ];
  }
  ensureR4Schema();
  if (!isResourceType(expectedType))
    return [errorIssue('not-supported', `"${expectedType}" is not an R4 resource type`, 'resourceType')];
  try {
    const own = checkResource(body);
    return finish(own.fatal ? own.issues : [...structuralIssues(body, type), ...own.issues]);
  } catch (e) {
    // A body nested deeper than the stack allows is bad input, not a server fault.
    if (e instanceof RangeError)
      return [errorIssue('too-costly', 'The resource is nested too deeply to validate', type)];
    throw e;
  }
}

/** Loads the R4 definitions and terminology now rather than on the first validation (most of a second). */
export function warmUpValidation(): void {
  ensureR4Schema();
  loadR4Terminology();
}

/** The OperationOutcome that reports validation issues (R4 operationoutcome.html). */
export function validationOutcome(issues: readonly ValidationIssue[]): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity,
      code: i.code,
      diagnostics: i.diagnostics,
      expression: i.expression,
    })),
  };
}

/** The parts of an OperationOutcome issue from @medplum/core that are read here (its FHIR types are not installed). */
interface OperationOutcomeIssue {
  severity?: string;
  code?: string;
  details?: { text?: string };
  diagnostics?: string;
  expression?: string[];
}

/** Text of the validator's structure issues that are about a primitive's value rather than the resource's shape. */
const VALUE_PROBLEM =
  /^(Invalid JSON type|Invalid \w+ format|Invalid numeric value|Expected number to be|String must contain|String cannot be larger)/;
const SHAPE_PROBLEM = /^Expected (array of values|single value) for property/;

function structuralIssues(resource: Record<string, unknown>, type: string): FoundIssue[] {
  let raw: OperationOutcomeIssue[];
  try {
    raw = validateStructure(resource);
  } catch (e) {
    if (e instanceof OperationOutcomeError) raw = (e.outcome.issue ?? []) as OperationOutcomeIssue[];
    else if (e instanceof RangeError) throw e;
    else return [errorIssue('exception', `The resource could not be validated: ${(e as Error).message}`, type)];
  }
  const out: FoundIssue[] = [];
  for (const issue of raw) {
    if (issue.severity !== 'error' && issue.severity !== 'fatal' && issue.severity !== 'warning') continue;
    const text: string = issue.details?.text ?? issue.diagnostics ?? 'Invalid resource';
    let code: string = issue.code ?? 'invalid';
    if (code === 'structure' && text === 'Missing required property') code = 'required';
    else if (code === 'structure' && VALUE_PROBLEM.test(text)) code = 'value';
    out.push({
      severity: issue.severity === 'warning' ? 'warning' : 'error',
      code,
      diagnostics: text,
      expression: issue.expression?.length ? [...issue.expression] : [type],
      ...(SHAPE_PROBLEM.test(text) ? { shape: true } : {}),
    });
  }
  return out;
}

/** Severity first, then the problems closest to the cause: a missing or malformed value before a broken invariant. */
const RANK: Record<string, number> = { required: 0, structure: 1, value: 1, 'code-invalid': 2, invariant: 3 };

/**
 * One issue per problem: where several checks flag the same location, the most direct report stays, and nothing is
 * reported inside a value that had the wrong JSON shape (a string where an array of objects belongs is one problem,
 * not one per character).
 */
function finish(issues: FoundIssue[]): ValidationIssue[] {
  const shapes = issues.filter((i) => i.shape && i.severity === 'error').map((i) => i.expression[0]);
  const inside = (path: string) =>
    shapes.some(
      (s) => path.length > s.length && path.startsWith(s) && (path[s.length] === '.' || path[s.length] === '['),
    );
  const byLocation = new Map<string, FoundIssue>();
  for (const issue of issues) {
    if (inside(issue.expression[0])) continue;
    const key = `${issue.severity} ${issue.expression[0]}`;
    const kept = byLocation.get(key);
    if (!kept || (RANK[issue.code] ?? 4) < (RANK[kept.code] ?? 4)) byLocation.set(key, issue);
  }
  return [...byLocation.values()].map(({ severity, code, diagnostics, expression }) => ({
    severity,
    code,
    diagnostics,
    expression,
  }));
}
