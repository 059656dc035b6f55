/** `<PUBLIC_URL>/fhir`, the base every absolute URL of this API starts with. */
export function fhirBaseUrl(publicUrl: string): string {
  return `${publicUrl}/fhir`;
}

/** Percent-encodes a query key or value, leaving the characters FHIR search syntax uses readable. */
export function encodeQueryPart(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%7C/gi, '|').replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}

/** `?a=1&b=2` from pairs, encoded as encodeQueryPart does. */
export function queryString(params: readonly (readonly [string, string])[]): string {
  return params.length ? '?' + params.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v)}`).join('&') : '';
}

/** Parses a query string (`a=1&a=2&b=x`) into the shape search takes, `+` as space (application/x-www-form-urlencoded). */
export function parseQueryString(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
