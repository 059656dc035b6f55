import { FHIR_ID } from '../fhir-resource-types';
import { fhirErrors } from '../fhir-errors';
import { parseDateSearchValue, SearchPrefix } from './fhir-date';
import type { IndexTableKey } from './index-extractor';
import {
  componentParam,
  ofTypeCode,
  referenceIdentifierParam,
  tokenOfTypeParam,
  tokenTextParam,
} from './index-param-names';
import {
  ComponentCondition,
  NumberSearchValue,
  ReferenceValue,
  SearchCondition,
  StringModifier,
  TokenValue,
  UriModifier,
} from './search-condition';
import { IndexedParamType, SearchParam, SearchParameterRegistry } from './search-parameter-registry';
import type { PageCursor, SortSpec } from './search-sql-order';
import { normalizeSearchString } from './string-normalize';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export type QueryValues = Record<string, string | string[] | undefined>;

/** `_summary` (R4 search.html#summary). */
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

/** `_total` (R4 search.html#total). */
export type TotalMode = 'none' | 'estimate' | 'accurate';

/** One `_include` or `_revinclude` (R4 search.html#include): resources `source` refers to (or that refer to it) by `param`. */
export interface IncludeDirective {
  reverse: boolean;
  iterate: boolean;
  sourceType: string;
  param: string;
  /** `:Type` at the end: only targets of this type. */
  targetType?: string;
}

export interface SearchRequest {
  /** Conditions that must all hold. */
  conditions: SearchCondition[];
  count: number;
  offset: number;
  /** The parameters actually applied, for the Bundle's links (R4 search.html#conformance); paging parameters aside. */
  applied: [string, string][];
  sort: SortSpec[];
  cursor?: PageCursor;
  total?: TotalMode;
  summary?: SummaryMode;
  elements?: string[];
  include: IncludeDirective[];
  /** Parameters ignored under lenient handling (R4 search.html#errors), to be reported in the searchset. */
  ignored: string[];
}

export interface SearchParseOptions {
  /** `Prefer: handling=strict`: unknown parameters are errors instead of being ignored (R4 search.html#errors). */
  strict: boolean;
  /** `<PUBLIC_URL>/fhir`, so an absolute reference to this server can be searched like a relative one. */
  fhirBase: string;
  /**
   * Called for every other type a search crosses (chains, `_has`): returns the conditions that confine that type to
   * what the token may see, or throws when the token may not search it at all.
   */
  cross?: (type: string) => SearchCondition[];
  /** Whether `cross` would allow the type: a chain without a type modifier crosses only the targets allowed. */
  mayCross?: (type: string) => boolean;
}

/** Result parameters that never change the result (`_format`, `_pretty`) (R4 http.html#parameters). */
const IGNORED_RESULT_PARAMS = new Set(['_format', '_pretty']);

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
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(raw)!;
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

function values(raw: string): string[] {
  return splitUnescaped(raw, ',').filter((v) => v !== '');
}

const TABLE_OF_TYPE: Record<Exclude<SearchParam['type'], 'composite'>, IndexTableKey> = {
  token: 'token',
  string: 'string',
  date: 'date',
  reference: 'reference',
  number: 'quantity',
  quantity: 'quantity',
  uri: 'uri',
};

const TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;

/** Characters no FHIR string may hold (R4 datatypes.html#string): refused rather than passed to the database. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Parses one `name=value` of a search on `type`: a parameter with its modifier, a chain, or a `_has`. */
class ParameterParser {
  constructor(
    private readonly registry: SearchParameterRegistry,
    private readonly options: SearchParseOptions,
    private readonly ignored: string[] = [],
  ) {}

  /** The condition, or null when the parameter is unknown and may be ignored. */
  parse(type: string, name: string, raw: string, depth = 0): SearchCondition | null {
    if (depth > 2) throw fhirErrors.invalidSearch(`"${name}" nests _has and chains too deeply`);
    if (name.startsWith('_has:')) return this.has(type, name, raw, depth);
    const dot = name.indexOf('.');
    if (dot > 0) return this.chain(type, name, dot, raw, depth);
    const colon = name.indexOf(':');
    const code = colon < 0 ? name : name.slice(0, colon);
    const modifier = colon < 0 ? undefined : name.slice(colon + 1);
    const param = this.registry.get(type, code);
    if (!param) return this.unknown(type, name);
    if (modifier === 'missing') {
      const v = raw.trim();
      if (v !== 'true' && v !== 'false') throw fhirErrors.invalidSearch(`"${name}" takes true or false`);
      if (param.source !== 'index') throw fhirErrors.unsupportedModifier(name, modifier);
      // A composite is present where its first component is: elements are indexed only with every component.
      const present: SearchCondition = param.composite
        ? {
            kind: 'present',
            table: TABLE_OF_TYPE[param.composite.components[0].type],
            param: componentParam(param.code, 0),
          }
        : { kind: 'present', table: TABLE_OF_TYPE[param.type as IndexedParamType], param: param.code };
      return v === 'true' ? { kind: 'not', item: present } : present;
    }
    const parts = values(raw);
    if (parts.length === 0) return null;
    return this.condition(param, name, modifier, parts);
  }

  private unknown(type: string, name: string): null {
    if (this.options.strict) throw fhirErrors.unknownSearchParameter(type, name);
    this.ignored.push(`${type}:${name}`);
    return null;
  }

  /** `_has:Type:param:rest=value` (R4 search.html#has): resources some `Type` refers to by `param`. */
  private has(type: string, name: string, raw: string, depth: number): SearchCondition | null {
    const [, source, code, ...rest] = name.split(':');
    if (!source || !code || rest.length === 0 || !TYPE_NAME.test(source))
      throw fhirErrors.invalidSearch(`"${name}" is not _has:Type:parameter:searchParameter`);
    const param = this.registry.get(source, code);
    if (!param) return this.unknown(source, `${source}:${code}`);
    if (param.type !== 'reference')
      throw fhirErrors.invalidSearch(`"${name}": ${source}.${code} is not a reference parameter`);
    if (param.targets.length > 0 && !param.targets.includes(type))
      throw fhirErrors.invalidSearch(`${source}.${code} cannot refer to a ${type}`);
    const inner = this.parse(source, rest.join(':'), raw, depth + 1);
    if (!inner) return null;
    const fence = this.options.cross?.(source) ?? [];
    return { kind: 'has', sourceType: source, param: code, conditions: [inner, ...fence] };
  }

  /** `param[:Type].chained[:modifier]=value` (R4 search.html#chaining), one level deep. */
  private chain(type: string, name: string, dot: number, raw: string, depth: number): SearchCondition | null {
    const head = name.slice(0, dot);
    const tail = name.slice(dot + 1);
    if (tail.includes('.')) throw fhirErrors.invalidSearch(`"${name}": chains are supported one level deep`);
    const colon = head.indexOf(':');
    const code = colon < 0 ? head : head.slice(0, colon);
    const typeModifier = colon < 0 ? undefined : head.slice(colon + 1);
    const param = this.registry.get(type, code);
    if (!param) return this.unknown(type, name);
    if (param.type !== 'reference')
      throw fhirErrors.invalidSearch(`"${code}" is not a reference parameter and cannot be chained`);
    if (
      typeModifier !== undefined &&
      (!TYPE_NAME.test(typeModifier) || (param.targets.length && !param.targets.includes(typeModifier)))
    )
      throw fhirErrors.unsupportedModifier(head, typeModifier);
    const chainedCode = tail.split(':')[0];
    const candidates = typeModifier ? [typeModifier] : param.targets;
    const defined = candidates.filter((t) => this.registry.get(t, chainedCode) !== undefined);
    if (defined.length === 0) {
      if (!typeModifier && param.targets.length === 0)
        throw fhirErrors.invalidSearch(`"${name}": name the target type, as in ${code}:Patient.${tail}`);
      return this.unknown(candidates[0] ?? type, tail);
    }
    // Without a type modifier, the targets the token may not search are not crossed (they could match nothing it may
    // see); a named type, or no allowed target at all, is crossed and so refused by `cross`.
    const allowed = typeModifier || !this.options.mayCross ? defined : defined.filter((t) => this.options.mayCross!(t));
    const targets = allowed.length ? allowed : defined.slice(0, 1);
    const out: { type: string; conditions: SearchCondition[] }[] = [];
    for (const target of targets) {
      const inner = this.parse(target, tail, raw, depth + 1);
      if (!inner) return null;
      out.push({ type: target, conditions: [inner, ...(this.options.cross?.(target) ?? [])] });
    }
    return { kind: 'chain', params: [code], targets: out };
  }

  /**
   * `a$b` per value (R4 search.html#composite): one value per component, each read by the rules of its own type
   * (prefixes included); composites take no modifier but `:missing`.
   */
  private composite(param: SearchParam, name: string, modifier: string | undefined, parts: string[]): SearchCondition {
    if (modifier !== undefined) throw fhirErrors.unsupportedModifier(name, modifier);
    const components = param.composite!.components;
    const values: ComponentCondition[][] = [];
    for (const raw of parts) {
      const pieces = splitUnescaped(raw, '$');
      if (pieces.length !== components.length || pieces.some((p) => p === ''))
        throw fhirErrors.invalidSearch(
          `"${raw.slice(0, 100)}" is not a value of composite parameter "${name}": expected ${components.map((c) => c.code).join('$')}`,
        );
      const conditions = pieces.map((piece, n) => {
        const component = components[n];
        const leaf: SearchParam = {
          code: componentParam(param.code, n),
          type: component.type,
          url: param.url,
          source: 'index',
          expression: component.expression,
          targets: [],
          parts: [],
        };
        return this.condition(leaf, `${name} (${component.code})`, undefined, [piece]);
      });
      // A component naming nothing this server holds (another server's reference) makes the value match nothing.
      if (conditions.every((c): c is ComponentCondition => c.kind !== 'none')) values.push(conditions);
    }
    return values.length ? { kind: 'composite', param: param.code, values } : { kind: 'none' };
  }

  private condition(param: SearchParam, name: string, modifier: string | undefined, parts: string[]): SearchCondition {
    const unsupported = () => fhirErrors.unsupportedModifier(name, modifier!);
    switch (param.type) {
      case 'composite':
        return this.composite(param, name, modifier, parts);
      case 'token': {
        if (param.source === 'id') {
          if (modifier !== undefined) throw unsupported();
          return { kind: 'id', ids: parts.map(unescapeSearchValue) };
        }
        if (modifier === 'text') {
          const texts = parts.map((p) => normalizeSearchString(unescapeSearchValue(p)));
          if (texts.some((t) => t === '')) throw fhirErrors.invalidSearch(`Search parameter "${name}" needs some text`);
          return { kind: 'string', param: tokenTextParam(param.code), modifier: 'default', values: texts };
        }
        if (modifier === 'of-type')
          return { kind: 'token', param: tokenOfTypeParam(param.code), values: parts.map((p) => parseOfType(p, name)) };
        if (modifier !== undefined && modifier !== 'not') throw unsupported();
        const token: SearchCondition = { kind: 'token', param: param.code, values: parts.map(parseTokenValue) };
        return modifier === 'not' ? { kind: 'not', item: token } : token;
      }
      case 'string': {
        if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains') throw unsupported();
        const mod: StringModifier = (modifier as StringModifier | undefined) ?? 'default';
        const texts = parts.map(unescapeSearchValue).map((v) => (mod === 'exact' ? v : normalizeSearchString(v)));
        if (texts.some((t) => t === '')) throw fhirErrors.invalidSearch(`Search parameter "${name}" needs some text`);
        return { kind: 'string', param: param.code, modifier: mod, values: texts };
      }
      case 'date': {
        if (modifier !== undefined) throw unsupported();
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
      case 'number':
      case 'quantity': {
        if (modifier !== undefined) throw unsupported();
        const parse = param.type === 'number' ? parseNumberValue : parseQuantityValue;
        const numbers = parts.map((p) => {
          const n = parse(p);
          if (!n)
            throw fhirErrors.invalidSearch(
              `"${p}" is not a valid ${param.type} for search parameter "${name}" (expected [prefix]number${param.type === 'quantity' ? '[|system|code]' : ''})`,
            );
          return n;
        });
        return { kind: 'number', param: param.code, values: numbers };
      }
      case 'uri': {
        if (modifier !== undefined && modifier !== 'below' && modifier !== 'above') throw unsupported();
        return {
          kind: 'uri',
          param: param.code,
          modifier: (modifier as UriModifier | undefined) ?? 'exact',
          values: parts.map(unescapeSearchValue),
        };
      }
      case 'reference': {
        // Reference.identifier (R4 search.html#reference, modifier `identifier`): a token search on it.
        if (modifier === 'identifier')
          return { kind: 'token', param: referenceIdentifierParam(param.code), values: parts.map(parseTokenValue) };
        if (
          modifier !== undefined &&
          !(param.targets.includes(modifier) || (param.targets.length === 0 && TYPE_NAME.test(modifier)))
        ) {
          throw unsupported();
        }
        const refs = parts
          .map((p) => parseReferenceValue(unescapeSearchValue(p), modifier, this.options.fhirBase))
          .filter((r): r is ReferenceValue => r !== null);
        return refs.length === 0 ? { kind: 'none' } : { kind: 'reference', params: [param.code], values: refs };
      }
    }
  }
}

function parseCount(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw fhirErrors.invalidSearch(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw fhirErrors.invalidSearch(`${name} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

/** `_cursor=a<base64url JSON>` / `b…`: the position a paging link continues from (this server's own links). */
export function encodeCursor(cursor: PageCursor): string {
  return (cursor.direction === 'after' ? 'a' : 'b') + Buffer.from(JSON.stringify(cursor.values)).toString('base64url');
}

export function decodeCursor(raw: string, keys: number): PageCursor {
  const invalid = () => fhirErrors.invalidSearch('_cursor is not a paging position this server gave out');
  const direction = raw[0] === 'a' ? 'after' : raw[0] === 'b' ? 'before' : null;
  if (!direction || raw.length > 4096 || !/^[A-Za-z0-9_-]*$/.test(raw.slice(1))) throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(raw.slice(1), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(values) ||
    values.length !== keys ||
    !values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  )
    throw invalid();
  return { direction, values };
}

const INCLUDE = /^([A-Z][A-Za-z]{1,63}):([A-Za-z0-9_-]{1,64})(?::([A-Z][A-Za-z]{1,63}))?$/;

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
  const request: SearchRequest = {
    conditions: [],
    count: DEFAULT_PAGE_SIZE,
    offset: 0,
    applied: [],
    sort: [],
    include: [],
    ignored: [],
  };
  const parser = new ParameterParser(registry, options, request.ignored);
  let cursor: string | undefined;
  for (const [name, rawValue] of Object.entries(query)) {
    if (rawValue === undefined) continue;
    const occurrences = Array.isArray(rawValue) ? rawValue : [rawValue];
    if (CONTROL.test(name) || occurrences.some((v) => typeof v !== 'string' || CONTROL.test(v)))
      throw fhirErrors.invalidSearch(
        `Search parameter "${name.replace(CONTROL, '?').slice(0, 64)}" holds a control character`,
      );
    const last = occurrences[occurrences.length - 1] ?? '';
    const colon = name.indexOf(':');
    const base = colon < 0 ? name : name.slice(0, colon);
    const modifier = colon < 0 ? undefined : name.slice(colon + 1);
    switch (base) {
      case '_count':
        if (last !== '') request.count = Math.min(parseCount(name, last), MAX_PAGE_SIZE);
        continue;
      case '_offset':
        if (last !== '') request.offset = parseCount(name, last);
        continue;
      case '_cursor':
        cursor = last;
        continue;
      case '_total':
        request.total = oneOf(name, last, ['none', 'estimate', 'accurate'] as const);
        request.applied.push([name, last]);
        continue;
      case '_summary':
        request.summary = oneOf(name, last, ['true', 'text', 'data', 'count', 'false'] as const);
        request.applied.push([name, last]);
        continue;
      case '_elements': {
        const elements = values(last);
        if (!elements.every((e) => /^[a-z][A-Za-z0-9]{0,63}(\[x\])?$/.test(e)))
          throw fhirErrors.invalidSearch('_elements lists element names of the resource, such as name,birthDate');
        request.elements = elements;
        request.applied.push([name, last]);
        continue;
      }
      case '_sort':
        for (const raw of occurrences) request.sort.push(...parseSort(type, raw, registry, options));
        request.applied.push([name, occurrences.join(',')]);
        continue;
      case '_include':
      case '_revinclude': {
        if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse')
          throw fhirErrors.unsupportedModifier(name, modifier);
        for (const raw of occurrences) {
          request.include.push(parseInclude(type, base === '_revinclude', modifier !== undefined, raw, registry));
          request.applied.push([name, raw]);
        }
        continue;
      }
    }
    if (IGNORED_RESULT_PARAMS.has(name)) continue;
    for (const raw of occurrences) {
      const condition = parser.parse(type, name, raw);
      if (!condition) continue;
      request.conditions.push(condition);
      request.applied.push([name, raw]);
    }
  }
  if (cursor) request.cursor = decodeCursor(cursor, sortKeyCount(request.sort));
  return request;
}

/** How many order keys a sort has once (last_updated, id) complete it; see orderKeys in search-sql.ts. */
function sortKeyCount(sort: SortSpec[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const s of sort) {
    if (s.source !== 'index') {
      if (seen.has(s.source)) continue;
      seen.add(s.source);
    }
    n++;
  }
  return n + (seen.has('lastUpdated') ? 0 : 1) + (seen.has('id') ? 0 : 1);
}

/** `_sort=a,-b` (R4 search.html#sort): parameters of the type, `-` for descending. */
function parseSort(
  type: string,
  raw: string,
  registry: SearchParameterRegistry,
  options: SearchParseOptions,
): SortSpec[] {
  const out: SortSpec[] = [];
  for (const item of values(raw)) {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    const param = registry.get(type, code);
    if (!param) {
      if (options.strict) throw fhirErrors.unknownSearchParameter(type, `_sort=${code}`);
      continue;
    }
    // R4 search.html#sort names no order for a composite's values.
    if (param.type === 'composite') throw fhirErrors.invalidSearch(`_sort by composite parameter "${code}"`);
    out.push(
      param.source === 'index'
        ? { source: 'index', table: TABLE_OF_TYPE[param.type], param: param.code, descending }
        : { source: param.source, descending },
    );
  }
  return out;
}

/** `Source:param[:Target]` of `_include` / `_revinclude` (R4 search.html#include). */
function parseInclude(
  type: string,
  reverse: boolean,
  iterate: boolean,
  raw: string,
  registry: SearchParameterRegistry,
): IncludeDirective {
  const m = INCLUDE.exec(raw);
  const what = reverse ? '_revinclude' : '_include';
  if (!m)
    throw fhirErrors.invalidSearch(
      `${what}=${raw} is not SourceType:searchParameter[:TargetType] (${what}=* is not supported)`,
    );
  const [, sourceType, code, targetType] = m;
  const param = registry.get(sourceType, code);
  if (!param || param.type !== 'reference')
    throw fhirErrors.invalidSearch(`${what}=${raw}: ${sourceType} has no reference parameter "${code}"`);
  if (targetType && param.targets.length > 0 && !param.targets.includes(targetType))
    throw fhirErrors.invalidSearch(`${what}=${raw}: ${sourceType}.${code} cannot refer to a ${targetType}`);
  if (!iterate) {
    if (!reverse && sourceType !== type)
      throw fhirErrors.invalidSearch(
        `_include=${raw} must start with the searched type ${type} (or use _include:iterate)`,
      );
    if (reverse && param.targets.length > 0 && !param.targets.includes(type))
      throw fhirErrors.invalidSearch(`_revinclude=${raw}: ${sourceType}.${code} cannot refer to a ${type}`);
  }
  return { reverse, iterate, sourceType, param: code, ...(targetType ? { targetType } : {}) };
}
