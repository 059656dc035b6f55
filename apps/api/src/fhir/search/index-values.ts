import { MAX_INSTANT, MIN_INSTANT, parseDateRange } from '../../common/fhir-search/fhir-date';
import type { FhirValue } from './fhirpath-expression';

/**
 * What one value of an expression offers to each index table, by its FHIR type (R4 search.html, "mapping to data
 * types"): the tokens, texts, instant ranges, quantities and URIs the extractor turns into rows.
 */

/** A number or quantity value: its unit ('' for plain numbers) and the range it covers. */
export interface QuantityValue {
  system: string;
  code: string;
  low: number;
  high: number;
}

/** Bounds standing in for an open end of a Range: finite, so every engine stores them in a DOUBLE. */
export const MIN_NUMBER = -1e300;
export const MAX_NUMBER = 1e300;

/** ISO 4217, the system of Money currencies (R4 datatypes.html#Money). */
const ISO_4217 = 'urn:iso:std:iso:4217';

type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
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
export function tokenTextsOf(v: FhirValue): string[] {
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
export function quantitiesOf(v: FhirValue): QuantityValue[] {
  const { type, value } = v;
  const row = (system: string, code: string, low: number, high: number): QuantityValue => ({
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
export function urisOf(v: FhirValue): string[] {
  const { type, value } = v;
  if (typeof value !== 'string' || value === '' || !URI_TYPES.has(type)) return [];
  const bar = value.indexOf('|');
  return type === 'canonical' && bar > 0 ? [value, value.slice(0, bar)] : [value];
}

/** The (system, code) pairs a value offers to a token search (R4 search.html#token, "mapping to data types"). */
export function tokensOf(v: FhirValue): { system: string; code: string }[] {
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
export function identifierTypesOf(v: FhirValue): { system: string; code: string; value: string }[] {
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
export function stringsOf(v: FhirValue): string[] {
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
export function datesOf(v: FhirValue): { low: number; high: number }[] {
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
