import { fhirErrors } from '../fhir-errors';
import type { SearchCondition } from './search-condition';
import { IncludeDirective, parseInclude } from './search-include';
import { ParameterParser } from './search-parameter-parser';
import type { SearchParseOptions } from './search-parse-options';
import type { SearchParameterRegistry } from './search-parameter-registry';
import {
  decodeCursor,
  oneOf,
  parseCount,
  parseSort,
  sortKeyCount,
  SummaryMode,
  TotalMode,
} from './search-result-parameters';
import type { PageCursor, SortSpec } from './search-sql-order';
import { searchValues, splitModifier } from '../../common/fhir-search/search-syntax';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export type QueryValues = Record<string, string | string[] | undefined>;

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

/** Result parameters that never change the result (`_format`, `_pretty`) (R4 http.html#parameters). */
const IGNORED_RESULT_PARAMS = new Set(['_format', '_pretty']);

/** Characters no FHIR string may hold (R4 datatypes.html#string): refused rather than passed to the database. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

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
    const [base, modifier] = splitModifier(name);
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
        const elements = searchValues(last);
        if (!elements.every((e) => /^[a-z][A-Za-z0-9]{0,63}(\[x\])?$/.test(e)))
          throw fhirErrors.invalidSearch('_elements lists element names of the resource, such as name,birthDate');
        request.elements = elements;
        request.applied.push([name, last]);
        continue;
      }
      case '_sort':
        for (const raw of occurrences) request.sort.push(...parseSort(type, raw, registry, options.strict));
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
