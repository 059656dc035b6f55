import { compile, resolveInternalTypes, types as fhirpathTypes } from 'fhirpath';
import type { Model } from 'fhirpath';
import * as r4Model from 'fhirpath/fhir-context/r4';
import { r4SearchParameters, SearchParameterDefinition } from '../definitions/r4-definitions';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';

/**
 * The SearchParameter types the index tables hold. `composite` and `special` are not served (and so not advertised):
 * a composite needs its components paired per repetition, and each special parameter has its own algorithm.
 */
export const INDEXED_PARAM_TYPES = ['token', 'string', 'date', 'reference', 'number', 'quantity', 'uri'] as const;
export type IndexedParamType = (typeof INDEXED_PARAM_TYPES)[number];

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

export interface SearchParam {
  code: string;
  type: IndexedParamType;
  url: string;
  description?: string;
  /** Where the values live: the index tables, or the resource table's `id` / `last_updated` columns. */
  source: 'index' | 'id' | 'lastUpdated';
  /** The definition's expression restricted to this resource type. */
  expression: string;
  /** Reference targets the definition allows. */
  targets: readonly string[];
  parts: readonly CompiledPart[];
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
    .filter((p) => prefixes.some((prefix) => p.startsWith(prefix)));
}

function fhirTypeName(qualified: string | undefined): string {
  if (!qualified) return 'unknown';
  const [namespace, name] = qualified.includes('.') ? qualified.split('.', 2) : ['FHIR', qualified];
  // FHIRPath System types (System.Boolean, System.DateTime) become the matching FHIR primitive names.
  return namespace === 'System' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function compilePart(part: string): CompiledPart {
  const resolved = RESOLVE_IS.exec(part);
  // fhirpath.js can only resolve() asynchronously; `resolve() is T` on a reference is a test of the target type,
  // which the index extractor applies to the reference string instead.
  const expression = resolved ? part.slice(0, resolved.index) : part;
  if (expression.includes('resolve()')) throw new Error(`unsupported resolve() in ${part}`);
  const fn = compile(expression, r4Model as unknown as Model, { resolveInternalTypes: false });
  return {
    expression: part,
    resolveType: resolved?.[1],
    evaluate(resource: object): FhirValue[] {
      const out: FhirValue[] = [];
      for (const item of fn(resource) as unknown[]) {
        const [value] = resolveInternalTypes([item]) as unknown[];
        if (value === undefined || value === null) continue; // a primitive with only an extension
        out.push({ type: fhirTypeName(fhirpathTypes([item])[0]), value });
      }
      return out;
    },
  };
}

/**
 * The search parameters of each served type, built from the R4 SearchParameter definitions: every parameter whose
 * type the index supports, with its FHIRPath expression compiled once for the type.
 */
export class SearchParameterRegistry {
  private readonly byType = new Map<string, Map<string, SearchParam>>();
  private readonly indexedByType = new Map<string, SearchParam[]>();

  constructor(types: readonly string[], definitions: readonly SearchParameterDefinition[] = r4SearchParameters()) {
    const wanted = new Set(types);
    for (const type of types) this.byType.set(type, new Map());
    for (const def of definitions) {
      if (!(INDEXED_PARAM_TYPES as readonly string[]).includes(def.type) || NOT_INDEXABLE.has(def.code)) continue;
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
      type: def.type as IndexedParamType,
      url: def.url,
      description: def.description,
      targets: def.target ?? [],
    };
    const column = COLUMN_PARAMS[def.code];
    if (column) return { ...base, source: column, expression: def.expression ?? '', parts: [] };
    const parts = expressionPartsFor(def.expression ?? '', type);
    if (parts.length === 0) return null;
    return { ...base, source: 'index', expression: parts.join(' | '), parts: parts.map(compilePart) };
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
