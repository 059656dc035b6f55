import type { DateSearchValue, SearchPrefix } from '../../common/fhir-search/fhir-date';
import type { IndexTableKey } from './index-extractor';

/** A token search value (R4 search.html#token): `system` undefined = any system, '' = no system; `code` undefined = any code. */
export interface TokenValue {
  system?: string;
  code?: string;
}

/** A reference search value (R4 search.html#reference): `Patient/123`, or a bare id with any target type. */
export interface ReferenceValue {
  type?: string;
  id: string;
}

/**
 * A number or quantity search value (R4 search.html#number, #quantity): the value, and the range its precision
 * implies (`100` is [99.5, 100.5)), which `eq` and `ne` compare with; the other prefixes compare with the value.
 */
export interface NumberSearchValue {
  prefix: SearchPrefix;
  value: number;
  /** Inclusive low and exclusive high bound of the implied precision. */
  low: number;
  high: number;
  /** Quantity only: undefined = any system; `code` undefined = any unit. */
  system?: string;
  code?: string;
}

export type StringModifier = 'default' | 'exact' | 'contains';
export type UriModifier = 'exact' | 'below' | 'above';

/**
 * What a search asks for, independent of SQL. Each leaf is one parameter occurrence whose values are alternatives
 * (R4 search.html#combining: `a=x,y` is x OR y; `a=x&a=y` is x AND y).
 */
export type SearchCondition =
  | { kind: 'and'; items: SearchCondition[] }
  | { kind: 'or'; items: SearchCondition[] }
  | { kind: 'not'; item: SearchCondition }
  | { kind: 'none' }
  | { kind: 'id'; ids: string[] }
  | { kind: 'lastUpdated'; values: DateSearchValue[] }
  | { kind: 'token'; param: string; values: TokenValue[] }
  | { kind: 'string'; param: string; modifier: StringModifier; values: string[] }
  | { kind: 'date'; param: string; values: DateSearchValue[] }
  | { kind: 'number'; param: string; values: NumberSearchValue[] }
  | { kind: 'uri'; param: string; modifier: UriModifier; values: string[] }
  | { kind: 'reference'; params: string[]; values: ReferenceValue[] }
  /**
   * A composite parameter (R4 search.html#composite): each value lists one leaf condition per component (on the
   * parameters `code$n`), all of which must hold for the rows of one element. Values are alternatives.
   */
  | { kind: 'composite'; param: string; values: ComponentCondition[][] }
  /** `:missing=false`: the resource has at least one value for the parameter (R4 search.html#missing). */
  | { kind: 'present'; table: IndexTableKey; param: string }
  /** References to a resource of `targetType` other than `exceptId`, by any parameter (compartment fencing). */
  | { kind: 'referencesOther'; targetType: string; exceptId: string }
  /**
   * Chaining (R4 search.html#chaining): a reference parameter whose target, of one of `targets`, meets its
   * conditions. The conditions of each target include what the token may see of that type.
   */
  | { kind: 'chain'; params: string[]; targets: { type: string; conditions: SearchCondition[] }[] }
  /** Reverse chaining (R4 search.html#has): some `sourceType` meeting `conditions` refers here through `param`. */
  | { kind: 'has'; sourceType: string; param: string; conditions: SearchCondition[] };

/** The leaf conditions a component of a composite can be: one value of one parameter type. */
export type ComponentCondition = Extract<
  SearchCondition,
  { kind: 'token' | 'string' | 'date' | 'number' | 'uri' | 'reference' }
>;
