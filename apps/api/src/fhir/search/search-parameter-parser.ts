import { fhirErrors } from '../fhir-errors';
import { parseDateSearchValue } from '../../common/fhir-search/fhir-date';
import type { IndexTableKey } from './index-extractor';
import { componentParam, referenceIdentifierParam, tokenOfTypeParam, tokenTextParam } from './index-param-names';
import { ChainContext, parseChain, parseHas } from './search-chain';
import type { SearchParseOptions } from './search-parse-options';
import { ComponentCondition, ReferenceValue, SearchCondition, StringModifier, UriModifier } from './search-condition';
import { IndexedParamType, SearchParam, SearchParameterRegistry } from './search-parameter-registry';
import {
  searchValues,
  splitModifier,
  splitUnescaped,
  TYPE_NAME,
  unescapeSearchValue,
} from '../../common/fhir-search/search-syntax';
import {
  parseNumberValue,
  parseOfType,
  parseQuantityValue,
  parseReferenceValue,
  parseTokenValue,
} from './search-values';
import { normalizeSearchString } from './string-normalize';

/** The index table holding the values of each parameter type. */
export const TABLE_OF_TYPE: Record<Exclude<SearchParam['type'], 'composite'>, IndexTableKey> = {
  token: 'token',
  string: 'string',
  date: 'date',
  reference: 'reference',
  number: 'quantity',
  quantity: 'quantity',
  uri: 'uri',
};

/** Parses one `name=value` of a search on `type`: a parameter with its modifier, a chain, or a `_has`. */
export class ParameterParser implements ChainContext {
  constructor(
    readonly registry: SearchParameterRegistry,
    readonly options: SearchParseOptions,
    private readonly ignored: string[] = [],
  ) {}

  /** The condition, or null when the parameter is unknown and may be ignored. */
  parse(type: string, name: string, raw: string, depth = 0): SearchCondition | null {
    if (depth > 2) throw fhirErrors.invalidSearch(`"${name}" nests _has and chains too deeply`);
    if (name.startsWith('_has:')) return parseHas(this, type, name, raw, depth);
    const dot = name.indexOf('.');
    if (dot > 0) return parseChain(this, type, name, dot, raw, depth);
    const [code, modifier] = splitModifier(name);
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
    const parts = searchValues(raw);
    if (parts.length === 0) return null;
    return this.condition(param, name, modifier, parts);
  }

  unknown(type: string, name: string): null {
    if (this.options.strict) throw fhirErrors.unknownSearchParameter(type, name);
    this.ignored.push(`${type}:${name}`);
    return null;
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
