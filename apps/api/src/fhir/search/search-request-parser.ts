import { FHIR_ID } from '../fhir-resource-types';
import { fhirErrors } from '../fhir-errors';
import { parseDateSearchValue } from './fhir-date';
import { ReferenceValue, SearchCondition, StringModifier, TokenValue } from './search-condition';
import { SearchParam, SearchParameterRegistry } from './search-parameter-registry';
import { normalizeSearchString } from './string-normalize';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

/** Result parameters this server honours (R4 search.html#count) or that never change the result (`_format`, `_pretty`). */
const HONOURED_RESULT_PARAMS = new Set(['_count', '_offset', '_total', '_format', '_pretty']);

export type QueryValues = Record<string, string | string[] | undefined>;

export interface SearchRequest {
  /** Conditions that must all hold. */
  conditions: SearchCondition[];
  count: number;
  offset: number;
  /** The parameters actually applied, for the Bundle's self link (R4 search.html#conformance). */
  applied: [string, string][];
}

export interface SearchParseOptions {
  /** `Prefer: handling=strict`: unknown parameters are errors instead of being ignored (R4 search.html#errors). */
  strict: boolean;
  /** `<PUBLIC_URL>/fhir`, so an absolute reference to this server can be searched like a relative one. */
  fhirBase: string;
}

/** Splits on `sep` where it is not escaped with a backslash (R4 search.html#escaping). Escapes are kept. */
export function splitUnescaped(value: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === sep) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

export function unescapeSearchValue(value: string): string {
  return value.replace(/\\([\\,|$])/g, '$1');
}

/** `system|code`, `code`, `|code`, `system|` (R4 search.html#token). */
export function parseTokenValue(raw: string): TokenValue {
  const bar = splitUnescaped(raw, '|');
  if (bar.length === 1) return { code: unescapeSearchValue(raw) };
  if (bar.length > 2) throw fhirErrors.invalidSearch(`Token value "${raw}" has more than one unescaped "|"`);
  const system = unescapeSearchValue(bar[0]);
  const code = unescapeSearchValue(bar[1]);
  if (!system && !code) throw fhirErrors.invalidSearch('Token value "|" names neither a system nor a code');
  return { system, code: code || undefined };
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

function values(raw: string): string[] {
  return splitUnescaped(raw, ',').filter((v) => v !== '');
}

function conditionFor(
  param: SearchParam,
  name: string,
  modifier: string | undefined,
  raw: string,
  options: SearchParseOptions,
): SearchCondition {
  const parts = values(raw);
  const onlyPlain = () => {
    if (modifier !== undefined) throw fhirErrors.unsupportedModifier(name, modifier);
  };
  switch (param.type) {
    case 'token': {
      onlyPlain();
      if (param.source === 'id') return { kind: 'id', ids: parts.map(unescapeSearchValue) };
      return { kind: 'token', param: param.code, values: parts.map(parseTokenValue) };
    }
    case 'string': {
      if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains')
        throw fhirErrors.unsupportedModifier(name, modifier);
      const mod: StringModifier = (modifier as StringModifier | undefined) ?? 'default';
      const texts = parts.map(unescapeSearchValue).map((v) => (mod === 'exact' ? v : normalizeSearchString(v)));
      if (texts.some((t) => t === '')) throw fhirErrors.invalidSearch(`Search parameter "${name}" needs some text`);
      return { kind: 'string', param: param.code, modifier: mod, values: texts };
    }
    case 'date': {
      onlyPlain();
      const dates = parts.map((p) => {
        const d = parseDateSearchValue(p);
        if (!d)
          throw fhirErrors.invalidSearch(
            `"${p}" is not a valid date for search parameter "${name}" (expected [prefix]YYYY[-MM[-DD[Thh:mm[:ss][zone]]]])`,
          );
        return d;
      });
      return param.source === 'lastUpdated'
        ? { kind: 'lastUpdated', values: dates }
        : { kind: 'date', param: param.code, values: dates };
    }
    case 'reference': {
      if (
        modifier !== undefined &&
        !(param.targets.includes(modifier) || (param.targets.length === 0 && /^[A-Z][A-Za-z]+$/.test(modifier)))
      ) {
        throw fhirErrors.unsupportedModifier(name, modifier);
      }
      const refs = parts
        .map((p) => parseReferenceValue(unescapeSearchValue(p), modifier, options.fhirBase))
        .filter((r): r is ReferenceValue => r !== null);
      return refs.length === 0 ? { kind: 'none' } : { kind: 'reference', params: [param.code], values: refs };
    }
  }
}

function parseCount(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw fhirErrors.invalidSearch(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/**
 * Parses a type-level search (R4 search.html). Values of one occurrence are alternatives; repeated parameters must
 * all hold. Unknown parameters are ignored unless `strict`; malformed values and unsupported modifiers are errors.
 */
export function parseSearchRequest(
  type: string,
  query: QueryValues,
  registry: SearchParameterRegistry,
  options: SearchParseOptions,
): SearchRequest {
  const request: SearchRequest = { conditions: [], count: DEFAULT_PAGE_SIZE, offset: 0, applied: [] };
  for (const [name, rawValue] of Object.entries(query)) {
    if (rawValue === undefined) continue;
    const occurrences = Array.isArray(rawValue) ? rawValue : [rawValue];
    const last = occurrences[occurrences.length - 1] ?? '';
    if (HONOURED_RESULT_PARAMS.has(name)) {
      if (name === '_count' && last !== '') request.count = Math.min(parseCount(name, last), MAX_PAGE_SIZE);
      if (name === '_offset' && last !== '') request.offset = parseCount(name, last);
      continue;
    }
    const colon = name.indexOf(':');
    const code = colon < 0 ? name : name.slice(0, colon);
    const modifier = colon < 0 ? undefined : name.slice(colon + 1);
    const param = registry.get(type, code);
    if (!param) {
      if (options.strict) throw fhirErrors.unknownSearchParameter(type, name);
      continue;
    }
    for (const raw of occurrences) {
      // An empty value does not restrict the search.
      if (values(raw).length === 0) continue;
      request.conditions.push(conditionFor(param, name, modifier, raw, options));
      request.applied.push([name, raw]);
    }
  }
  return request;
}
