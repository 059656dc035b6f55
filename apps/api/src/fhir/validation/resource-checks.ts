import { getDataType, isPrimitiveType, isResourceType } from '@medplum/core';
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from './nhs-number';
import { requiredCodes } from './required-bindings';
import { errorIssue } from './validation-issue';
import type { FoundIssue } from './validation-issue';

/** R4 datatypes.html#id: the logical id of a resource. */
// Not `.` or `..` (RFC 3986 §5.2.4 dot segments: no URL could address them).
const FHIR_ID = /^(?!\.\.?$)[A-Za-z0-9\-.]{1,64}$/;

/** How a JSON property of a type maps onto its schema: the element, its name in paths, and its type when fixed. */
interface PropertyInfo {
  element: InternalSchemaElement;
  /** The element's name as paths show it: `gender`, or `value[x]` for `valueIdentifier` (the validator's convention). */
  name: string;
  type: string | undefined;
}

const propertyMaps = new Map<string, Map<string, PropertyInfo>>();

function propertiesOf(schema: InternalTypeSchema): Map<string, PropertyInfo> {
  let map = propertyMaps.get(schema.name);
  if (map) return map;
  map = new Map();
  for (const [key, element] of Object.entries(schema.elements)) {
    if (key.endsWith('[x]')) {
      const base = key.slice(0, -3);
      // R4 formats.html#choice: the JSON name is the element name plus the type name, capitalised.
      for (const t of element.type)
        map.set(base + t.code[0].toUpperCase() + t.code.slice(1), { element, name: key, type: t.code });
    } else {
      map.set(key, { element, name: key, type: element.type.length === 1 ? element.type[0].code : undefined });
    }
  }
  propertyMaps.set(schema.name, map);
  return map;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The checks the R4 structural validator in @medplum/core does not make, in one walk of the resource along its
 * schema: the NHS number on every Identifier, `code` values against their `required` bindings, complex values that
 * are not JSON objects, the resource types and ids of contained and nested resources, and element names that only an
 * inherited `Object.prototype` property would match (`constructor`). `fatal` means the resource cannot be typed
 * (a nested resource of an unknown type), so the structural validator has nothing to add.
 */
export function checkResource(resource: Record<string, unknown>): { issues: FoundIssue[]; fatal: boolean } {
  const issues: FoundIssue[] = [];
  const state = { fatal: false };
  walkResource(resource, String(resource.resourceType), issues, state);
  return { issues, fatal: state.fatal };
}

function walkResource(
  resource: Record<string, unknown>,
  path: string,
  issues: FoundIssue[],
  state: { fatal: boolean },
): void {
  const type = resource.resourceType;
  if (typeof type !== 'string' || !isResourceType(type)) {
    issues.push(
      errorIssue(
        'structure',
        typeof type === 'string'
          ? `"${type.slice(0, 64)}" is not an R4 resource type`
          : 'The resource has no resourceType',
        path,
      ),
    );
    state.fatal = true;
    return;
  }
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id))) {
    issues.push(
      errorIssue(
        'value',
        'A resource id is 1 to 64 characters of A-Z, a-z, 0-9, "-" and ".", and not "." or ".."',
        `${path}.id`,
      ),
    );
  }
  walkObject(resource, getDataType(type), path, issues, state);
}

function walkObject(
  obj: Record<string, unknown>,
  schema: InternalTypeSchema,
  path: string,
  issues: FoundIssue[],
  state: { fatal: boolean },
): void {
  const properties = propertiesOf(schema);
  for (const key of Object.keys(obj)) {
    if (key === 'resourceType') continue;
    const value = obj[key];
    const info = properties.get(key);
    if (info) {
      walkProperty(info, info.type, value, `${path}.${info.name}`, issues, state);
    } else if (key.startsWith('_') && properties.has(key.slice(1))) {
      // R4 json.html#primitive: `_name` carries the id and extensions of the primitive `name`, as an Element.
      walkProperty(
        properties.get(key.slice(1))!,
        'Element',
        value,
        `${path}.${properties.get(key.slice(1))!.name}`,
        issues,
        state,
      );
    } else if (key in schema.elements) {
      issues.push(errorIssue('structure', `Invalid additional property "${key}"`, `${path}.${key}`));
    }
  }
}

function walkProperty(
  info: PropertyInfo,
  type: string | undefined,
  value: unknown,
  path: string,
  issues: FoundIssue[],
  state: { fatal: boolean },
): void {
  if (!type) return;
  const items = Array.isArray(value) ? value : [value];
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    if (item === null || item === undefined) continue; // the structural validator reports nulls
    if (type === 'code') {
      checkRequiredCode(info.element, item, at, issues);
    } else if (isPrimitiveType(type)) {
      continue;
    } else if (!isObject(item)) {
      issues.push(
        errorIssue(
          'structure',
          `Expected ${type === 'Resource' ? 'a resource' : `a ${type}`} (a JSON object)`,
          at,
          true,
        ),
      );
    } else if (type === 'Resource') {
      walkResource(item, at, issues, state);
    } else {
      if (type === 'Identifier') checkNhsNumber(item, at, issues);
      walkObject(item, getDataType(type), at, issues, state);
    }
  }
}

/** R4 terminologies.html#required: a `code` bound `required` must come from the ValueSet. */
function checkRequiredCode(element: InternalSchemaElement, value: unknown, path: string, issues: FoundIssue[]): void {
  const binding = element.binding;
  if (typeof value !== 'string' || binding?.strength !== 'required' || !binding.valueSet) return;
  const codes = requiredCodes(binding.valueSet);
  if (!codes || codes.has(value)) return;
  const name = binding.valueSet.split('|')[0];
  const allowed = codes.size <= 12 ? `: one of ${[...codes].join(', ')}` : '';
  issues.push(
    errorIssue(
      'code-invalid',
      `"${value.slice(0, 64)}" is not a code of the required ValueSet ${name}${allowed}`,
      path,
    ),
  );
}

/**
 * NHS Data Dictionary, "NHS Number": ten digits, the last a Modulus 11 check digit over the first nine (weights 10
 * to 2); nine digits that would need check digit 10 form no NHS number. UK Core gives the system URI.
 */
function checkNhsNumber(identifier: Record<string, unknown>, path: string, issues: FoundIssue[]): void {
  if (identifier.system !== NHS_NUMBER_SYSTEM) return;
  const value = identifier.value;
  const at = `${path}.value`;
  if (value === undefined) {
    issues.push(errorIssue('required', 'An NHS number identifier must have a value', at));
    return;
  }
  if (typeof value !== 'string') return; // the structural validator reports the JSON type
  const problem = nhsNumberProblem(value);
  if (problem) issues.push(errorIssue('value', problem, at));
}
