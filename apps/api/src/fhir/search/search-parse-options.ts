import type { SearchCondition } from './search-condition';

/** How a search is read: strict or lenient, this server's base, and what the token may search of other types. */
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
