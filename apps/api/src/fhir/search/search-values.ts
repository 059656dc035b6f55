import { FHIR_ID } from '../fhir-resource-types';
import { fhirErrors } from '../fhir-errors';
import type { SearchPrefix } from '../../common/fhir-search/fhir-date';
import { ofTypeCode } from './index-param-names';
import { NumberSearchValue, ReferenceValue, TokenValue } from './search-condition';
import { parseToken, splitUnescaped, unescapeSearchValue } from '../../common/fhir-search/search-syntax';

/** The value syntax of each search parameter type (R4 search.html); the escaping and alternatives are common/fhir-search's. */

/** `system|code`, `code`, `|code`, `system|` (R4 search.html#token); a malformed value is a FHIR invalid-search error. */
export function parseTokenValue(raw: string): TokenValue {
  return parseToken(raw, fhirErrors.invalidSearch);
}

/** `Patient/123`, `123`, or an absolute URL on this server (R4 search.html#reference). `null`: matches nothing here. */
export function parseReferenceValue(
  raw: string,
  typeModifier: string | undefined,
  fhirBase: string,
): ReferenceValue | null {
  let value = raw;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
    // Only references to this server are indexed; another server's URL cannot match.
    if (!value.startsWith(fhirBase + '/')) return null;
    value = value.slice(fhirBase.length + 1);
  }
  const parts = value.split('/');
  if (parts.length === 1) return FHIR_ID.test(value) ? { type: typeModifier, id: value } : null;
  const [type, id, history] = parts;
  if (!/^[A-Z][A-Za-z]+$/.test(type) || !FHIR_ID.test(id ?? '')) return null;
  if (parts.length > 2 && !(history === '_history' && parts.length === 4)) return null;
  if (typeModifier && typeModifier !== type) return null;
  return { type, id };
}

/**
 * `:of-type` (R4 search.html#token): `system|code|value`, Identifier.type.coding's system and code and the
 * Identifier's value, all three present.
 */
export function parseOfType(raw: string, name: string): TokenValue {
  const parts = splitUnescaped(raw, '|');
  const [system, code, value] = parts.map(unescapeSearchValue);
  if (parts.length !== 3 || !system || !code || !value)
    throw fhirErrors.invalidSearch(
      `"${raw.slice(0, 100)}" is not a value of "${name}": expected type-system|type-code|identifier-value`,
    );
  return { system, code: ofTypeCode(code, value) };
}

const NUMBER = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * `[prefix]number` (R4 search.html#number): the value, and the range of its precision: `100` is [99.5, 100.5),
 * `100.00` is [99.995, 100.005), `1e2` (one significant figure) is [50, 150).
 */
export function parseNumberValue(raw: string): NumberSearchValue | null {
  // `s`: a line break is a character like any other (and then no number), never a failed match.
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/s.exec(raw)!;
  const prefix = (m[1] ?? 'eq') as SearchPrefix;
  const n = NUMBER.exec(m[2]);
  if (!n) return null;
  const value = Number(m[2]);
  if (!Number.isFinite(value)) return null;
  const decimals = n[3]?.length ?? 0;
  const exponent = n[4] === undefined ? 0 : Number(n[4]);
  const half = 0.5 * 10 ** (exponent - decimals);
  return { prefix, value, low: value - half, high: value + half };
}

/** `[prefix]number|system|code`, `[prefix]number||code` or `[prefix]number` (R4 search.html#quantity). */
export function parseQuantityValue(raw: string): NumberSearchValue | null {
  const parts = splitUnescaped(raw, '|');
  if (parts.length !== 1 && parts.length !== 3) return null;
  const n = parseNumberValue(parts[0]);
  if (!n) return null;
  if (parts.length === 1) return n;
  const system = unescapeSearchValue(parts[1]);
  const code = unescapeSearchValue(parts[2]);
  return { ...n, ...(system ? { system } : {}), ...(code ? { code } : {}) };
}
