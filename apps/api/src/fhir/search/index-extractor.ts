import { FHIR_ID } from '../fhir-resource-types';
import type { FhirValue } from './fhirpath-expression';
import {
  componentParam,
  ofTypeCode,
  referenceIdentifierParam,
  tokenOfTypeParam,
  tokenTextParam,
} from './index-param-names';
import {
  datesOf,
  identifierTypesOf,
  isObject,
  quantitiesOf,
  stringsOf,
  tokensOf,
  tokenTextsOf,
  urisOf,
} from './index-values';
import { CompositeDefinition, IndexedParamType, SearchParameterRegistry } from './search-parameter-registry';
import { normalizeSearchString, truncateForIndex } from './string-normalize';

export interface TokenRow {
  param: string;
  /** '' when the value has no system (FHIR R4 search.html#token `|code`). */
  system: string;
  code: string;
}

export interface StringRow {
  param: string;
  /** normalizeSearchString(exact): what default and `:contains` searches compare. */
  value: string;
  /** The original text, for `:exact`. */
  exact: string;
}

export interface DateRow {
  param: string;
  /** Inclusive epoch-millisecond bounds of the date, dateTime, instant or Period. */
  low: number;
  high: number;
}

export interface ReferenceRow {
  param: string;
  targetType: string;
  targetId: string;
}

/** Number and quantity search values (R4 search.html#number, #quantity): a point or a Range, with its unit. */
export interface QuantityRow {
  param: string;
  /** '' for plain numbers and quantities without a system. */
  system: string;
  /** The unit code (or, without one, the human unit); '' for plain numbers. */
  code: string;
  low: number;
  high: number;
}

/** URI search values (R4 search.html#uri). */
export interface UriRow {
  param: string;
  uri: string;
}

/**
 * Every row may belong to one element of a composite parameter (R4 search.html#composite): its component rows are
 * stored under the parameter `code$n` (n the component's position) with the element's number in `group`, so a search
 * pairs the values of one element only. 0 (or absent) for the rows of ordinary parameters.
 */
export interface CompositeGroup {
  group?: number;
}

/** Everything search needs to know about one resource version, by index table. */
export interface IndexRows {
  token: (TokenRow & CompositeGroup)[];
  string: (StringRow & CompositeGroup)[];
  date: (DateRow & CompositeGroup)[];
  reference: (ReferenceRow & CompositeGroup)[];
  quantity: (QuantityRow & CompositeGroup)[];
  uri: (UriRow & CompositeGroup)[];
}

export const INDEX_TABLE_KEYS = ['token', 'string', 'date', 'reference', 'quantity', 'uri'] as const;
export type IndexTableKey = (typeof INDEX_TABLE_KEYS)[number];

const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * `Patient/123`, `Patient/123/_history/2` or `<our base>/Patient/123` → `{type, id}` (FHIR R4 references.html).
 * Contained (`#x`), `urn:` and other servers' references are not resolvable here and give `null`.
 */
export function parseReference(reference: string, fhirBase: string): { type: string; id: string } | null {
  let ref = reference;
  if (ABSOLUTE.test(ref)) {
    if (!ref.startsWith(fhirBase + '/')) return null;
    ref = ref.slice(fhirBase.length + 1);
  }
  const m = RELATIVE_REFERENCE.exec(ref);
  return m && FHIR_ID.test(m[2]) ? { type: m[1], id: m[2] } : null;
}

type AddRow = <K extends IndexTableKey>(table: K, row: IndexRows[K][number], key: string) => void;

/**
 * Turns a resource into its index rows by evaluating each search parameter's precompiled FHIRPath expression.
 * Values are cut to the index column width; rows are unique per table.
 */
export class IndexExtractor {
  constructor(
    private readonly registry: SearchParameterRegistry,
    /** `<PUBLIC_URL>/fhir`: absolute references to this server are indexed like relative ones. */
    private readonly fhirBase: string,
  ) {}

  extract(type: string, resource: object): IndexRows {
    const rows: IndexRows = { token: [], string: [], date: [], reference: [], quantity: [], uri: [] };
    const seen = new Set<string>();
    const add: AddRow = (table, row, key) => {
      const k = `${table}\u0000${key}`;
      if (seen.has(k)) return;
      seen.add(k);
      (rows[table] as IndexRows[typeof table][number][]).push(row);
    };
    for (const param of this.registry.indexed(type)) {
      if (param.composite) {
        this.addComposite(param.code, param.composite, resource, add);
        continue;
      }
      for (const part of param.parts) {
        for (const v of part.evaluate(resource))
          this.addValue(param.code, param.type as IndexedParamType, part.resolveType, v, add, true);
      }
    }
    return rows;
  }

  /**
   * The rows of each element of a composite whose every component has a value, numbered 1, 2, … per parameter: an
   * element lacking a component can match no search on the composite.
   */
  private addComposite(code: string, composite: CompositeDefinition, resource: object, add: AddRow): void {
    let group = 0;
    for (const element of composite.elements(resource)) {
      const pending: [IndexTableKey, IndexRows[IndexTableKey][number], string][] = [];
      const collect: AddRow = (table, row, key) => pending.push([table, row, key]);
      let complete = true;
      composite.components.forEach((component, n) => {
        const before = pending.length;
        for (const v of component.evaluate(element, resource))
          this.addValue(componentParam(code, n), component.type, undefined, v, collect, false);
        if (pending.length === before) complete = false;
      });
      if (!complete) continue;
      group++;
      for (const [table, row, key] of pending) add(table, { ...row, group }, `${group}\u0000${key}`);
    }
  }

  /** The reference rows of some parameters only (compartment membership of a resource not yet stored). */
  references(type: string, resource: object, params: readonly string[]): ReferenceRow[] {
    const out: ReferenceRow[] = [];
    for (const code of params) {
      const param = this.registry.get(type, code);
      if (!param || param.type !== 'reference') continue;
      for (const part of param.parts) {
        for (const v of part.evaluate(resource)) {
          const target = this.referenceOf(v, part.resolveType);
          if (target) out.push({ param: code, targetType: target.type, targetId: target.id });
        }
      }
    }
    return out;
  }

  /**
   * Whether a Reference may be the target type a parameter is confined to (`resolve() is Patient`): its literal
   * reference or its `type` (R4 datatypes Reference.type) names it. A bare logical reference names no type.
   */
  private identifiesType(v: FhirValue, resolveType: string | undefined): boolean {
    if (v.type !== 'Reference' || !isObject(v.value)) return false;
    if (!resolveType) return true;
    if (v.value.type === resolveType) return true;
    const literal = typeof v.value.reference === 'string' ? parseReference(v.value.reference, this.fhirBase) : null;
    return literal?.type === resolveType;
  }

  private referenceOf(v: FhirValue, resolveType: string | undefined): { type: string; id: string } | null {
    if (v.type !== 'Reference' || !isObject(v.value) || typeof v.value.reference !== 'string') return null;
    const target = parseReference(v.value.reference, this.fhirBase);
    if (!target || (resolveType && target.type !== resolveType)) return null;
    return target;
  }

  private addString(param: string, text: string, add: AddRow): void {
    const value = truncateForIndex(normalizeSearchString(text));
    if (!value) return;
    const exact = truncateForIndex(text);
    add('string', { param, value, exact }, `${param}\u0000${value}\u0000${exact}`);
  }

  /**
   * The rows of one value of parameter `code`; `modifiers`: also the rows its modifiers search (`:text`, `:of-type`,
   * `:identifier`), which composite components do not take.
   */
  private addValue(
    code: string,
    type: IndexedParamType,
    resolveType: string | undefined,
    v: FhirValue,
    add: AddRow,
    modifiers: boolean,
  ): void {
    switch (type) {
      case 'token':
        for (const t of tokensOf(v)) {
          if (!t.system && !t.code) continue;
          const system = truncateForIndex(t.system);
          const value = truncateForIndex(t.code);
          add('token', { param: code, system, code: value }, `${code}\u0000${system}\u0000${value}`);
        }
        if (!modifiers) return;
        for (const text of tokenTextsOf(v)) this.addString(tokenTextParam(code), text, add);
        for (const t of identifierTypesOf(v)) {
          const param = tokenOfTypeParam(code);
          const system = truncateForIndex(t.system);
          const value = truncateForIndex(ofTypeCode(t.code, t.value));
          add('token', { param, system, code: value }, `${param}\u0000${system}\u0000${value}`);
        }
        return;
      case 'string':
        for (const s of stringsOf(v)) this.addString(code, s, add);
        return;
      case 'number':
      case 'quantity':
        for (const q of quantitiesOf(v)) {
          // A number parameter compares values only: units play no part (R4 search.html#number).
          const system = type === 'number' ? '' : truncateForIndex(q.system);
          const unit = type === 'number' ? '' : truncateForIndex(q.code);
          add(
            'quantity',
            { param: code, system, code: unit, low: q.low, high: q.high },
            `${code}\u0000${system}\u0000${unit}\u0000${q.low}\u0000${q.high}`,
          );
        }
        return;
      case 'uri':
        for (const u of urisOf(v)) {
          const uri = truncateForIndex(u);
          add('uri', { param: code, uri }, `${code}\u0000${uri}`);
        }
        return;
      case 'date':
        for (const r of datesOf(v))
          add('date', { param: code, low: r.low, high: r.high }, `${code}\u0000${r.low}\u0000${r.high}`);
        return;
      case 'reference': {
        const target = this.referenceOf(v, resolveType);
        if (target)
          add(
            'reference',
            { param: code, targetType: target.type, targetId: target.id },
            `${code}\u0000${target.type}\u0000${target.id}`,
          );
        // A logical reference (R4 references.html#logical) is searchable by its identifier, with or without a literal.
        if (modifiers && this.identifiesType(v, resolveType) && isObject(v.value) && isObject(v.value.identifier)) {
          const param = referenceIdentifierParam(code);
          const [t] = tokensOf({ type: 'Identifier', value: v.value.identifier });
          const system = truncateForIndex(t.system);
          const value = truncateForIndex(t.code);
          if (system || value) add('token', { param, system, code: value }, `${param}\u0000${system}\u0000${value}`);
        }
        return;
      }
    }
  }
}
