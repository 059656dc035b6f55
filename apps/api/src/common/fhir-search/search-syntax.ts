/**
 * FHIR search syntax (R4 search.html) shared by the FHIR API's search and the audit trail's AuditEvent search: parameter
 * names and modifiers, escaping, alternatives, tokens. Each API raises its own error for a malformed value.
 */

/** A resource type name, as a chain's or a reference's type modifier names one. */
export const TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;

/** `code:modifier` → [code, modifier]; the modifier undefined where the name has none (R4 search.html#modifiers). */
export function splitModifier(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon < 0 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
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
export function parseToken(raw: string, invalid: (message: string) => Error): { system?: string; code?: string } {
  const bar = splitUnescaped(raw, '|');
  if (bar.length === 1) return { code: unescapeSearchValue(raw) };
  if (bar.length > 2) throw invalid(`Token value "${raw}" has more than one unescaped "|"`);
  const system = unescapeSearchValue(bar[0]);
  const code = unescapeSearchValue(bar[1]);
  if (!system && !code) throw invalid('Token value "|" names neither a system nor a code');
  return { system, code: code || undefined };
}

/** The alternatives of one occurrence (`a,b`: a or b; R4 search.html#combining), escapes kept; empty ones dropped. */
export function searchValues(raw: string): string[] {
  return splitUnescaped(raw, ',').filter((v) => v !== '');
}
