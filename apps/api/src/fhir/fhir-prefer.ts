/** The `Prefer` header preferences FHIR defines (R4 http.html#ops "return", search.html#errors "handling"). */
export interface FhirPreferences {
  return?: 'minimal' | 'representation' | 'OperationOutcome';
  handling?: 'strict' | 'lenient';
}

/** Parses RFC 7240 `Prefer: return=minimal, handling=strict` (several headers or comma-separated). */
export function parsePrefer(header: string | string[] | undefined): FhirPreferences {
  const out: FhirPreferences = {};
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const pref of raw.split(/[,;]/)) {
    const [name, value] = pref.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (
      name?.toLowerCase() === 'return' &&
      (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')
    )
      out.return = value;
    if (name?.toLowerCase() === 'handling' && (value === 'strict' || value === 'lenient')) out.handling = value;
  }
  return out;
}
