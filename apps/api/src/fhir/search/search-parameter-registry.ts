import { r4SearchParameters, SearchParameterDefinition } from '../definitions/r4-definitions';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import {
  CompiledExpression,
  compileExpression,
  compileFhirpath,
  FhirValue,
  r4ModelTables,
  typedValues,
} from './fhirpath-expression';
import { compileChoiceFlag, compilePlainPath } from './json-path-walker';

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

const SIMPLE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/;
const path2Type = r4ModelTables.path2Type;

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
