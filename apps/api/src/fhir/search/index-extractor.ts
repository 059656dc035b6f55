import { FHIR_ID } from '../fhir-resource-types';
import { MAX_INSTANT, MIN_INSTANT, parseDateRange } from './fhir-date';
import type { FhirValue } from './fhirpath-expression';
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

/** The index parameter holding the values of component `n` of a composite parameter. */
export function componentParam(code: string, n: number): string {
  return `${code}$${n}`;
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

/** The string-index parameter holding the display texts of a token parameter, for `:text` (R4 search.html#modifiers). */
export function tokenTextParam(code: string): string {
  return `${code}:text`;
}

/**
 * The token-index parameter holding the identifiers of a reference parameter's References (Reference.identifier), for
 * `:identifier` (R4 search.html#reference "identifier" modifier).
 */
export function referenceIdentifierParam(code: string): string {
  return `${code}:identifier`;
}

/**
 * The token-index parameter holding a token parameter's Identifiers by type, for `:of-type` (R4 search.html#token):
 * system = Identifier.type.coding.system, code = ofTypeCode(Identifier.type.coding.code, Identifier.value).
 */
export function tokenOfTypeParam(code: string): string {
  return `${code}:of-type`;
}

/** `code|value`, with `\` and `|` in the type code escaped as in search values, so the two parts stay apart. */
export function ofTypeCode(typeCode: string, value: string): string {
  return `${typeCode.replace(/[\\|]/g, (c) => '\\' + c)}|${value}`;
}

/** Bounds standing in for an open end of a Range: finite, so every engine stores them in a DOUBLE. */
export const MIN_NUMBER = -1e300;
export const MAX_NUMBER = 1e300;

/** ISO 4217, the system of Money currencies (R4 datatypes.html#Money). */
const ISO_4217 = 'urn:iso:std:iso:4217';

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

type Json = Record<string, unknown>;

type AddRow = <K extends IndexTableKey>(table: K, row: IndexRows[K][number], key: string) => void;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

/** Primitive types whose value is the token code (R4 search.html#token: code, boolean, id, uri, string). */
const PRIMITIVE_TOKEN_TYPES = new Set([
  'code',
  'boolean',
  'id',
  'uri',
  'url',
  'canonical',
  'oid',
  'uuid',
  'string',
  'integer',
  'positiveInt',
  'unsignedInt',
]);
const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'MoneyQuantity']);
const URI_TYPES = new Set(['uri', 'url', 'canonical', 'oid', 'uuid', 'string', 'id']);

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The display texts a coded value offers to `:text` (R4 search.html#token: CodeableConcept.text, Coding.display). */
function tokenTextsOf(v: FhirValue): string[] {
  const { type, value } = v;
  if (!isObject(value)) return [];
  switch (type) {
    case 'Coding':
      return strings([value.display]);
    case 'CodeableConcept':
      return [
        ...strings([value.text]),
        ...(Array.isArray(value.coding) ? value.coding : []).filter(isObject).flatMap((c) => strings([c.display])),
      ];
    case 'Identifier':
      return isObject(value.type) ? strings([value.type.text]) : [];
    default:
      return [];
  }
}

/** The (system, code, low, high) a number or quantity value offers (R4 search.html#number, #quantity). */
function quantitiesOf(v: FhirValue): QuantityRow[] {
  const { type, value } = v;
  const row = (system: string, code: string, low: number, high: number): QuantityRow => ({
    param: '',
    system,
    code,
    low,
    high,
  });
  const n = finite(value);
  if (n !== undefined) return [row('', '', n, n)];
  if (!isObject(value)) return [];
  const units = (q: Json): { system: string; code: string }[] => {
    const system = str(q.system) ?? '';
    const code = str(q.code);
    const unit = str(q.unit);
    const out = [{ system, code: code ?? unit ?? '' }];
    // A unit written for humans next to a coded one is searchable too (`5.4||mg`).
    if (code && unit && unit !== code) out.push({ system: '', code: unit });
    return out;
  };
  if (QUANTITY_TYPES.has(type)) {
    const q = finite(value.value);
    return q === undefined ? [] : units(value).map((u) => row(u.system, u.code, q, q));
  }
  if (type === 'Money') {
    const q = finite(value.value);
    const currency = str(value.currency);
    return q === undefined ? [] : [row(currency ? ISO_4217 : '', currency ?? '', q, q)];
  }
  if (type === 'Range') {
    const low = isObject(value.low) ? value.low : undefined;
    const high = isObject(value.high) ? value.high : undefined;
    const lo = low ? finite(low.value) : undefined;
    const hi = high ? finite(high.value) : undefined;
    if (lo === undefined && hi === undefined) return [];
    return units(low ?? high ?? {}).map((u) => row(u.system, u.code, lo ?? MIN_NUMBER, hi ?? MAX_NUMBER));
  }
  return [];
}

/** The URIs a value offers (R4 search.html#uri); a canonical with `|version` also without it. */
function urisOf(v: FhirValue): string[] {
  const { type, value } = v;
  if (typeof value !== 'string' || value === '' || !URI_TYPES.has(type)) return [];
  const bar = value.indexOf('|');
  return type === 'canonical' && bar > 0 ? [value, value.slice(0, bar)] : [value];
}

/** The (system, code) pairs a value offers to a token search (R4 search.html#token, "mapping to data types"). */
function tokensOf(v: FhirValue): { system: string; code: string }[] {
  const { type, value } = v;
  if (PRIMITIVE_TOKEN_TYPES.has(type) || typeof value === 'boolean') return [{ system: '', code: String(value) }];
  if (!isObject(value)) return [];
  switch (type) {
    case 'Coding':
      return [{ system: str(value.system) ?? '', code: str(value.code) ?? '' }];
    case 'CodeableConcept':
      return (Array.isArray(value.coding) ? value.coding : [])
        .filter(isObject)
        .map((c) => ({ system: str(c.system) ?? '', code: str(c.code) ?? '' }));
    case 'Identifier':
      return [{ system: str(value.system) ?? '', code: str(value.value) ?? '' }];
    case 'ContactPoint':
      return [{ system: '', code: str(value.value) ?? '' }];
    default:
      return [];
  }
}

/** The (type system, type code, value) of each type coding of an Identifier, for `:of-type` (R4 search.html#token). */
function identifierTypesOf(v: FhirValue): { system: string; code: string; value: string }[] {
  const { type, value } = v;
  if (type !== 'Identifier' || !isObject(value) || !isObject(value.type)) return [];
  const id = str(value.value);
  if (!id) return [];
  return (Array.isArray(value.type.coding) ? value.type.coding : [])
    .filter(isObject)
    .map((c) => ({ system: str(c.system) ?? '', code: str(c.code) ?? '', value: id }))
    .filter((t) => t.code !== '');
}

/** The texts a value offers to a string search (R4 search.html#string: HumanName and Address parts). */
function stringsOf(v: FhirValue): string[] {
  const { type, value } = v;
  if (typeof value === 'string') return [value];
  if (!isObject(value)) return [];
  switch (type) {
    case 'HumanName':
      return [
        str(value.text),
        str(value.family),
        ...strings(value.given),
        ...strings(value.prefix),
        ...strings(value.suffix),
      ].filter((s): s is string => !!s);
    case 'Address':
      return [
        str(value.text),
        ...strings(value.line),
        str(value.city),
        str(value.district),
        str(value.state),
        str(value.postalCode),
        str(value.country),
      ].filter((s): s is string => !!s);
    default:
      return [];
  }
}

function periodRange(value: Json): { low: number; high: number } | null {
  const start = str(value.start) ? parseDateRange(value.start as string) : null;
  const end = str(value.end) ? parseDateRange(value.end as string) : null;
  if (!start && !end) return null;
  return { low: start?.low ?? MIN_INSTANT, high: end?.high ?? MAX_INSTANT };
}

/** The instant ranges a value covers (R4 search.html#date: date, dateTime, instant, Period, Timing). */
function datesOf(v: FhirValue): { low: number; high: number }[] {
  const { type, value } = v;
  if (typeof value === 'string' && (DATE_TYPES.has(type) || type === 'string')) {
    const range = parseDateRange(value);
    return range ? [range] : [];
  }
  if (!isObject(value)) return [];
  if (type === 'Period') {
    const range = periodRange(value);
    return range ? [range] : [];
  }
  if (type === 'Timing') {
    const out = strings(value.event)
      .map(parseDateRange)
      .filter((r): r is { low: number; high: number } => r !== null);
    const bounds =
      isObject(value.repeat) && isObject(value.repeat.boundsPeriod) ? periodRange(value.repeat.boundsPeriod) : null;
    return bounds ? [...out, bounds] : out;
  }
  return [];
}

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
