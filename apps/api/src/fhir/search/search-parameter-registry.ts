import { compile, resolveInternalTypes, types as fhirpathTypes } from 'fhirpath';
import type { Model } from 'fhirpath';
import * as r4Model from 'fhirpath/fhir-context/r4';
import { r4SearchParameters, SearchParameterDefinition } from '../definitions/r4-definitions';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';

/**
 * The SearchParameter types the index tables hold. `special` is not served (and so not advertised): each special
 * parameter has its own algorithm. `composite` parameters are served from these, their components kept per element.
 */
export const INDEXED_PARAM_TYPES = ['token', 'string', 'date', 'reference', 'number', 'quantity', 'uri'] as const;
export type IndexedParamType = (typeof INDEXED_PARAM_TYPES)[number];
export type SearchParamType = IndexedParamType | 'composite';

/**
 * Parameters left out although their type is indexed, because a plain index would give them the wrong meaning:
 * `phonetic` needs a phonetic algorithm, `_text`/`_content` full-text search, `_query` a named query
 * (FHIR R4 search.html#text, #content, #query; patient.html#search "phonetic").
 */
const NOT_INDEXABLE = new Set(['phonetic', '_text', '_content', '_query']);

/** Parameters answered from the resource table's own columns instead of an index table (R4 search.html#all). */
const COLUMN_PARAMS: Record<string, SearchParam['source']> = { _id: 'id', _lastUpdated: 'lastUpdated' };

/** One value an expression produced, with its FHIR type (`CodeableConcept`, `date`, `boolean`, …). */
export interface FhirValue {
  type: string;
  value: unknown;
}

/** One `|`-separated branch of a definition's expression that applies to the resource type, compiled once. */
export interface CompiledPart {
  expression: string;
  evaluate(resource: object): FhirValue[];
  /** From `.where(resolve() is Patient)`: keep only references whose target has this type. */
  resolveType?: string;
}

/**
 * One component of a composite parameter (R4 searchparameter.html SearchParameter.component): the parameter it is
 * (its type rules its values) and its expression, evaluated on each element the composite's expression selects.
 */
export interface CompositeComponent {
  /** The code of the component's own SearchParameter. */
  code: string;
  type: IndexedParamType;
  expression: string;
  evaluate(element: unknown, resource: object): FhirValue[];
}

/** A composite parameter's elements and their components: the values of one element belong together. */
export interface CompositeDefinition {
  elements(resource: object): unknown[];
  components: readonly CompositeComponent[];
}

export interface SearchParam {
  code: string;
  type: SearchParamType;
  url: string;
  description?: string;
  /** Where the values live: the index tables, or the resource table's `id` / `last_updated` columns. */
  source: 'index' | 'id' | 'lastUpdated';
  /** The definition's expression restricted to this resource type. */
  expression: string;
  /** Reference targets the definition allows. */
  targets: readonly string[];
  parts: readonly CompiledPart[];
  /** Composite parameters only (their `parts` are empty). */
  composite?: CompositeDefinition;
}

const RESOLVE_IS = /\.where\(resolve\(\) is ([A-Za-z]+)\)$/;

/**
 * The branches of a multi-type expression (`AllergyIntolerance.patient | Condition.subject.where(...)`) that apply
 * to `type`. Branches on `Resource` and `DomainResource` apply to every type.
 */
export function expressionPartsFor(expression: string, type: string): string[] {
  const prefixes = [`${type}.`, `(${type}.`, 'Resource.', '(Resource.', 'DomainResource.', '(DomainResource.'];
  return expression
    .split(' | ')
    .map((p) => p.trim())
    .filter((p) => p === type || prefixes.some((prefix) => p.startsWith(prefix)));
}

function fhirTypeName(qualified: string | undefined): string {
  if (!qualified) return 'unknown';
  const [namespace, name] = qualified.includes('.') ? qualified.split('.', 2) : ['FHIR', qualified];
  // FHIRPath System types (System.Boolean, System.DateTime) become the matching FHIR primitive names.
  return namespace === 'System' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

type CompiledExpression = (input: unknown, env?: Record<string, unknown>) => unknown[];

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

function compileExpression(expression: string): CompiledExpression {
  if (expression.includes('resolve()')) throw new Error(`unsupported resolve() in ${expression}`);
  return compile(asOfType(expression), r4Model as unknown as Model, {
    resolveInternalTypes: false,
  }) as CompiledExpression;
}

/** The values an expression gives on `input` (a resource, or an element node of one), with their FHIR types. */
function typedValues(fn: CompiledExpression, input: unknown, env?: Record<string, unknown>): FhirValue[] {
  const out: FhirValue[] = [];
  for (const item of fn(input, env)) {
    const [value] = resolveInternalTypes([item]) as unknown[];
    if (value === undefined || value === null) continue; // a primitive with only an extension
    out.push({ type: fhirTypeName(fhirpathTypes([item])[0]), value });
  }
  return out;
}

function compilePart(part: string): CompiledPart {
  const resolved = RESOLVE_IS.exec(part);
  // fhirpath.js can only resolve() asynchronously; `resolve() is T` on a reference is a test of the target type,
  // which the index extractor applies to the reference string instead.
  const expression = resolved ? part.slice(0, resolved.index) : part;
  return {
    expression: part,
    resolveType: resolved?.[1],
    evaluate: compilePlainPath(expression) ?? compileChoiceFlag(expression) ?? compileFhirpath(expression),
  };
}

/** An expression evaluated by fhirpath.js: every value it gives on a resource, with its FHIR type. */
export function compileFhirpath(expression: string): (resource: object) => FhirValue[] {
  const fn = compileExpression(expression);
  return (resource) => typedValues(fn, resource);
}

const SIMPLE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/;
const model = r4Model as unknown as {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  choiceTypePaths: Record<string, string[]>;
};
const path2Type = model.path2Type;

/** Element types whose values' own type a plain walk cannot tell: fhirpath.js keeps these expressions. */
const UNTYPED_STEPS = new Set(['BackboneElement', 'Element', 'Resource', 'DomainResource']);

/**
 * One step of a plain path: a member (its JSON name), a filter `where(member = 'literal')` on the items so far, or
 * (last only) an uncast choice element: per item, the first of its typed members present (`effectiveDateTime`, …).
 */
export type PlainStep =
  { member: string } | { where: string; equals: string } | { choice: { member: string; type: string }[] };

/**
 * A plain path: the resource type it starts from (`Resource`: any), its steps, and the FHIR type of its values (empty
 * where it ends in an uncast choice: there each member has its own).
 */
export interface PlainPath {
  root: string;
  steps: PlainStep[];
  valueType: string;
}

const PLAIN_PATH = /^([A-Z][A-Za-z0-9]*)((?:\.[a-z][A-Za-z0-9]*|\.where\([a-z][A-Za-z0-9]*='[^'\\]*'\))+)$/;
// The filter first: `where` alone would also match as a member name.
const PLAIN_STEP = /\.where\(([a-z][A-Za-z0-9]*)='([^'\\]*)'\)|\.([a-z][A-Za-z0-9]*)/g;
const CAST = /^\((.+) as ([A-Za-z]+)\)$/;
const AS_FUNCTION = /^(.+)\.as\(([A-Za-z]+)\)$/;
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** FHIR's primitive types (lower-case names in the model), for the type names a choice element lists capitalised. */
const PRIMITIVES = new Set(Object.values(path2Type).filter((t) => /^[a-z]/.test(t)));
const choiceTypeName = (choice: string) => {
  const lower = choice.charAt(0).toLowerCase() + choice.slice(1);
  return PRIMITIVES.has(lower) ? lower : choice;
};

/**
 * The plan of an expression made only of member steps (`Patient.name.family`, `Resource.meta.profile`), filters on
 * a single primitive member (`Patient.telecom.where(system='email')`) and at most a final choice element, cast
 * (`(Observation.value as Quantity)` or `.as(Quantity)`: the member `valueQuantity`) or not (`Observation.effective`:
 * `effectiveDateTime`, `effectivePeriod`, …), each step typed from the R4 model. Null for any
 * other expression, and for a path with a step the model does not type on its own (a content reference, a backbone
 * element or a contained resource as the value): fhirpath.js evaluates those.
 */
export function plainPathPlan(expression: string): PlainPath | null {
  // Both forms capture the path, then the type.
  const cast = AS_FUNCTION.exec(expression) ?? CAST.exec(expression);
  const matched = PLAIN_PATH.exec(cast ? cast[1] : expression);
  if (!matched) return null;
  const root = matched[1];
  if (root === 'DomainResource') return null;
  const steps: PlainStep[] = [];
  let typePath = root;
  let type = root;
  const found = [...matched[2].matchAll(PLAIN_STEP)];
  for (const [index, [, where, equals, member]] of found.entries()) {
    if (where !== undefined) {
      const filtered = `${typePath}.${where}`;
      const memberType = path2Type[filtered];
      // `=` on a repeating member compares a collection: not a plain filter.
      if (!memberType || !/^[a-z]/.test(memberType) || model.path2Repeating[filtered]) return null;
      steps.push({ where, equals });
      continue;
    }
    const path = `${typePath}.${member}`;
    const choices = model.choiceTypePaths[path];
    if (choices) {
      // Only the last member: cast to one of its types it names one JSON member, uncast the first present of them.
      if (index !== found.length - 1) return null;
      if (!cast) {
        const choice = choices.map((c) => ({
          member: `${member}${c}`,
          type: fhirTypeName(`FHIR.${choiceTypeName(c)}`),
        }));
        steps.push({ choice });
        return { root, steps, valueType: '' };
      }
      if (!choices.includes(upperFirst(cast[2]))) return null;
      steps.push({ member: `${member}${upperFirst(cast[2])}` });
      type = cast[2];
      break;
    }
    const next = path2Type[path];
    if (!next) return null;
    steps.push({ member });
    // A backbone element's members are named under its path (Patient.contact.name); any other type's under its name.
    typePath = next === 'BackboneElement' || next === 'Element' ? path : next;
    type = next;
  }
  if (cast && type !== cast[2]) return null;
  if (UNTYPED_STEPS.has(type) || steps.every((step) => 'where' in step)) return null;
  return { root, steps, valueType: fhirTypeName(type.includes('.') ? type : `FHIR.${type}`) };
}

/**
 * A plain path (see `plainPathPlan`; 2,238 of the 2,244 R4 expression branches served) evaluated by walking the JSON
 * instead of through fhirpath.js, which builds a node per element on the way and takes some forty times as long:
 * it was two thirds of the index extraction's time on ingest. It gives what fhirpath.js gives (the registry's spec
 * compares the two on every such path of every served type); null where there is no plan.
 */
export function compilePlainPath(expression: string): ((resource: object) => FhirValue[]) | null {
  const plan = plainPathPlan(expression);
  if (!plan) return null;
  const { root, steps, valueType } = plan;
  const anyResource = root === 'Resource';
  return (resource) => {
    if (!anyResource && (resource as { resourceType?: unknown }).resourceType !== root) return [];
    let nodes: unknown[] = [resource];
    for (const step of steps) {
      if ('choice' in step) return choiceValues(nodes, step.choice);
      const next: unknown[] = [];
      if ('where' in step) {
        for (const node of nodes) if ((node as Record<string, unknown>)[step.where] === step.equals) next.push(node);
      } else {
        for (const node of nodes) pushValues(next, (node as Record<string, unknown>)[step.member]);
      }
      if (next.length === 0) return [];
      nodes = next;
    }
    return nodes.map((value) => ({ type: valueType, value }));
  };
}

/**
 * The values of an uncast choice element on each item: of its typed members, the first present (a primitive with
 * only an extension counts, and gives no value), as fhirpath.js reads it.
 */
function choiceValues(nodes: unknown[], choice: { member: string; type: string }[]): FhirValue[] {
  const out: FhirValue[] = [];
  for (const node of nodes) {
    const item = node as Record<string, unknown>;
    const present = choice.find((c) => presentIn(item, c.member));
    if (!present) continue;
    const values: unknown[] = [];
    pushValues(values, item[present.member]);
    for (const value of values) out.push({ type: present.type, value });
  }
  return out;
}

/** A JSON member's values, one or a list, without nulls. */
function pushValues(into: unknown[], value: unknown): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) into.push(value);
  else for (const item of value) if (item !== undefined && item !== null) into.push(item);
}

/** Whether a member is there, with a value or (a primitive) with only its `_member` extension. */
const presentIn = (item: Record<string, unknown>, member: string) =>
  item[member] !== undefined || item[`_${member}`] !== undefined;

const CHOICE_FLAG = /^([A-Z][A-Za-z0-9]*)\.([a-z][A-Za-z0-9]*)\.exists\(\) and \1\.\2 != false$/;

/**
 * `X.c.exists() and X.c != false` on a choice element `c` (R4's Patient `deceased`, from `deceased[x]`, boolean or
 * dateTime), evaluated on the JSON: false where the element is absent, else true unless it is the boolean false.
 * fhirpath.js took as long on this one expression as on all of Patient's others together. Null for other expressions.
 */
export function compileChoiceFlag(expression: string): ((resource: object) => FhirValue[]) | null {
  const matched = CHOICE_FLAG.exec(expression);
  const choices = matched ? model.choiceTypePaths[`${matched[1]}.${matched[2]}`] : undefined;
  if (!matched || !choices) return null;
  const [, root, element] = matched;
  const members = choices.map((choice) => `${element}${choice}`);
  return (resource) => {
    const r = resource as Record<string, unknown>;
    if (r.resourceType !== root) return [];
    // An element with only an extension (`_deceasedBoolean`) exists too. Of two (invalid) values, fhirpath.js reads
    // the first in the model's order of the choice's types.
    const present = members.find((m) => presentIn(r, m));
    return [{ type: 'boolean', value: present !== undefined && r[present] !== false }];
  };
}

/**
 * Whether a component's element can hold values of its parameter's type, where the model tells the element's type:
 * R4's DocumentReference `relationship` lists its reference component at `relatesTo.code` and its token at
 * `relatesTo.target` (swapped), so it could never match and is not served.
 */
function componentFits(base: string, expression: string, type: IndexedParamType): boolean {
  if (!SIMPLE_PATH.test(base) || !SIMPLE_PATH.test(expression)) return true;
  const elementType = path2Type[`${base}.${expression}`];
  if (!elementType) return true;
  return (type === 'reference') === (elementType === 'Reference');
}

/**
 * The search parameters of each served type, built from the R4 SearchParameter definitions: every parameter whose
 * type the index supports, with its FHIRPath expression compiled once for the type.
 */
export class SearchParameterRegistry {
  private readonly byType = new Map<string, Map<string, SearchParam>>();
  private readonly indexedByType = new Map<string, SearchParam[]>();

  private readonly byUrl: ReadonlyMap<string, SearchParameterDefinition>;

  constructor(types: readonly string[], definitions: readonly SearchParameterDefinition[] = r4SearchParameters()) {
    const wanted = new Set(types);
    this.byUrl = new Map(definitions.map((d) => [d.url, d]));
    for (const type of types) this.byType.set(type, new Map());
    for (const def of definitions) {
      const served = (INDEXED_PARAM_TYPES as readonly string[]).includes(def.type) || def.type === 'composite';
      if (!served || NOT_INDEXABLE.has(def.code)) continue;
      const generic = def.base.includes('Resource') || def.base.includes('DomainResource');
      const bases = generic ? types : def.base.filter((b) => wanted.has(b));
      for (const type of bases) {
        const param = this.build(def, type);
        if (param) this.byType.get(type)!.set(def.code, param);
      }
    }
  }

  private build(def: SearchParameterDefinition, type: string): SearchParam | null {
    const base = {
      code: def.code,
      type: def.type as SearchParamType,
      url: def.url,
      description: def.description,
      targets: def.target ?? [],
    };
    const column = COLUMN_PARAMS[def.code];
    if (column) return { ...base, source: column, expression: def.expression ?? '', parts: [] };
    const parts = expressionPartsFor(def.expression ?? '', type);
    if (parts.length === 0) return null;
    if (def.type === 'composite') {
      const composite = this.composite(def, parts);
      return composite ? { ...base, source: 'index', expression: parts.join(' | '), parts: [], composite } : null;
    }
    return { ...base, source: 'index', expression: parts.join(' | '), parts: parts.map(compilePart) };
  }

  /**
   * A composite's components, each evaluated on the elements its expression selects (R4 search.html#composite);
   * null when a component is not a parameter the index holds, or cannot hold values of its type.
   */
  private composite(def: SearchParameterDefinition, parts: string[]): CompositeDefinition | null {
    const components: CompositeComponent[] = [];
    for (const c of def.component ?? []) {
      const target = this.byUrl.get(c.definition);
      if (!target || !(INDEXED_PARAM_TYPES as readonly string[]).includes(target.type)) return null;
      const type = target.type as IndexedParamType;
      if (parts.some((p) => !componentFits(p, c.expression, type))) return null;
      let fn: CompiledExpression;
      try {
        fn = compileExpression(c.expression);
      } catch {
        return null;
      }
      components.push({
        code: target.code,
        type,
        expression: c.expression,
        // `%resource` is the resource whose element this is (FHIRPath fhir-specific variables).
        evaluate: (element, resource) => typedValues(fn, element, { resource }),
      });
    }
    if (components.length < 2) return null;
    const fns = parts.map(compileExpression);
    return { components, elements: (resource) => fns.flatMap((fn) => fn(resource)) };
  }

  /** The parameters of a type, by code; empty for a type that is not served. */
  forType(type: string): ReadonlyMap<string, SearchParam> {
    return this.byType.get(type) ?? new Map();
  }

  get(type: string, code: string): SearchParam | undefined {
    return this.byType.get(type)?.get(code);
  }

  /** Parameters whose values are extracted into the index tables at write time. */
  indexed(type: string): SearchParam[] {
    let params = this.indexedByType.get(type);
    if (!params) {
      params = [...this.forType(type).values()].filter((p) => p.source === 'index');
      this.indexedByType.set(type, params);
    }
    return params;
  }

  /** The registry of every served type, built once per process (compiling ~1,400 expressions takes most of a second). */
  static r4(): SearchParameterRegistry {
    shared ??= new SearchParameterRegistry(SERVED_RESOURCE_TYPES);
    return shared;
  }
}

let shared: SearchParameterRegistry | undefined;
