import { compile, resolveInternalTypes, types as fhirpathTypes } from 'fhirpath';
import type { Model } from 'fhirpath';
import * as r4Model from 'fhirpath/fhir-context/r4';

/** One value an expression produced, with its FHIR type (`CodeableConcept`, `date`, `boolean`, …). */
export interface FhirValue {
  type: string;
  value: unknown;
}

/** The R4 model's tables that type a path (`Patient.name` → `HumanName`), for the walker and the registry. */
export const r4ModelTables = r4Model as unknown as {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  choiceTypePaths: Record<string, string[]>;
};

/** A FHIRPath type name (`FHIR.HumanName`, `System.Boolean`) as the FHIR type name (`HumanName`, `boolean`). */
export function fhirTypeName(qualified: string | undefined): string {
  if (!qualified) return 'unknown';
  const [namespace, name] = qualified.includes('.') ? qualified.split('.', 2) : ['FHIR', qualified];
  // FHIRPath System types (System.Boolean, System.DateTime) become the matching FHIR primitive names.
  return namespace === 'System' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

export type CompiledExpression = (input: unknown, env?: Record<string, unknown>) => unknown[];

/**
 * `(X as T)` and `X.as(T)` as `ofType(T)`: FHIRPath's `as` takes a single item (FHIRPath N1 §6.3.3) and fhirpath.js
 * throws on more, while R4 definitions apply it to repeating elements (`Observation.component.value as Quantity`,
 * `Group.characteristic.value as boolean`); on one item both mean the same.
 */
export function asOfType(expression: string): string {
  return expression
    .replace(/\(([^()]*?) as ([A-Za-z]+)\)/g, '($1).ofType($2)')
    .replace(/\.as\(([A-Za-z]+)\)/g, '.ofType($1)');
}

export function compileExpression(expression: string): CompiledExpression {
  if (expression.includes('resolve()')) throw new Error(`unsupported resolve() in ${expression}`);
  return compile(asOfType(expression), r4Model as unknown as Model, {
    resolveInternalTypes: false,
  }) as CompiledExpression;
}

/** The values an expression gives on `input` (a resource, or an element node of one), with their FHIR types. */
export function typedValues(fn: CompiledExpression, input: unknown, env?: Record<string, unknown>): FhirValue[] {
  const out: FhirValue[] = [];
  for (const item of fn(input, env)) {
    const [value] = resolveInternalTypes([item]) as unknown[];
    if (value === undefined || value === null) continue; // a primitive with only an extension
    out.push({ type: fhirTypeName(fhirpathTypes([item])[0]), value });
  }
  return out;
}

/** An expression evaluated by fhirpath.js: every value it gives on a resource, with its FHIR type. */
export function compileFhirpath(expression: string): (resource: object) => FhirValue[] {
  const fn = compileExpression(expression);
  return (resource) => typedValues(fn, resource);
}
