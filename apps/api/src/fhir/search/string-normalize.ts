/** Longest value an index column holds (varchar(255): the widest that stays indexable on MySQL with utf8mb4). */
export const INDEX_VALUE_MAX = 255;

/** Cuts a string to the index column width without splitting a UTF-16 surrogate pair. */
export function truncateForIndex(value: string, max = INDEX_VALUE_MAX): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

const COMBINING_MARKS = /\p{M}/gu;
const WHITESPACE = /\s+/gu;

/**
 * The form string search compares (FHIR R4 search.html#string: "case- and accent-insensitive"):
 * compatibility decomposition, combining marks dropped, lower case, whitespace collapsed.
 */
export function normalizeSearchString(value: string): string {
  return value.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(WHITESPACE, ' ').trim();
}
