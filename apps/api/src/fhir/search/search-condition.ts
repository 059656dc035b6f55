import type { DateSearchValue } from './fhir-date';

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

export type StringModifier = 'default' | 'exact' | 'contains';

/**
 * What a search asks for, independent of SQL. Each leaf is one parameter occurrence whose values are alternatives
 * (R4 search.html#combining: `a=x,y` is x OR y; `a=x&a=y` is x AND y).
 */
export type SearchCondition =
  | { kind: 'and'; items: SearchCondition[] }
  | { kind: 'or'; items: SearchCondition[] }
  | { kind: 'none' }
  | { kind: 'id'; ids: string[] }
  | { kind: 'lastUpdated'; values: DateSearchValue[] }
  | { kind: 'token'; param: string; values: TokenValue[] }
  | { kind: 'string'; param: string; modifier: StringModifier; values: string[] }
  | { kind: 'date'; param: string; values: DateSearchValue[] }
  | { kind: 'reference'; params: string[]; values: ReferenceValue[] };
