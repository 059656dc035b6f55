/**
 * The names of the index parameters that hold what a parameter's modifiers and composites search, beside the
 * parameter's own rows: written by the index extractor, read by the search parser.
 */

/** The index parameter holding the values of component `n` of a composite parameter. */
export function componentParam(code: string, n: number): string {
  return `${code}$${n}`;
}

/** The string-index parameter holding the display texts of a token parameter, for `:text` (R4 search.html#modifiers). */
export function tokenTextParam(code: string): string {
  return `${code}:text`;
}

/**
 * The token-index parameter holding the identifiers of a reference parameter's References (Reference.identifier), for
 * `:identifier` (R4 search.html#reference "identifier" modifier).
 */
export function referenceIdentifierParam(code: string): string {
  return `${code}:identifier`;
}

/**
 * The token-index parameter holding a token parameter's Identifiers by type, for `:of-type` (R4 search.html#token):
 * system = Identifier.type.coding.system, code = ofTypeCode(Identifier.type.coding.code, Identifier.value).
 */
export function tokenOfTypeParam(code: string): string {
  return `${code}:of-type`;
}

/** `code|value`, with `\` and `|` in the type code escaped as in search values, so the two parts stay apart. */
export function ofTypeCode(typeCode: string, value: string): string {
  return `${typeCode.replace(/[\\|]/g, (c) => '\\' + c)}|${value}`;
}
