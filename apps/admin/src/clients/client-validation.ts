import type { JwkSet } from '@ccri/contracts';
import { parseScopes, splitScopes } from '@ccri/smart-scopes';

// FHIR R4 datatypes.html#id
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** RFC 7518 §6.2.2, §6.3.2, §6.4.1: members that carry private or symmetric key material. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export function validateScope(scope: string): string | undefined {
  if (splitScopes(scope).length === 0) return 'Enter at least one scope';
  const { invalid } = parseScopes(scope);
  if (invalid.length === 1) return `"${invalid[0]}" is not a valid SMART scope`;
  if (invalid.length > 1) return `Not valid SMART scopes: ${invalid.map((s) => `"${s}"`).join(', ')}`;
  return undefined;
}

export function validatePatientId(patient: string): string | undefined {
  const id = patient.trim();
  return id && !FHIR_ID.test(id) ? 'A Patient id has 1 to 64 letters, digits, "-" or "."' : undefined;
}

/** An optional whole number in [min, max]; '' means "not set". */
export function validateOptionalWholeNumber(value: string, min: number, max: number, unit: string): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    return `Enter whole ${unit} from ${min} to ${max}, or leave it empty`;
  return undefined;
}

export function optionalNumber(value: string): number | null {
  const text = value.trim();
  return text ? Number(text) : null;
}

/** The JWK Set typed into a textarea, or the message to show beside it. */
export function parseJwks(text: string): { jwks: JwkSet } | { error: string } {
  if (!text.trim()) return { error: 'Paste the public keys as a JWK Set' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'This is not valid JSON' };
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Array.isArray(keys) ||
    keys.length === 0
  ) {
    return { error: 'Enter a JWK Set: {"keys": [ … ]} with at least one key' };
  }
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      return { error: 'Each entry of "keys" must be a JWK object' };
    const jwk = key as Record<string, unknown>;
    const secret = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk);
    if (secret.length > 0)
      return { error: `Remove the private key material (${secret.join(', ')}): register public keys only` };
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') return { error: 'Each key needs "kty": "RSA" or "EC"' };
  }
  return { jwks: { keys: keys as Record<string, unknown>[] } };
}

/** A JWK Set URL: https, or http on this machine while developing (RFC 8252 §7.3 treats loopback the same way). */
export function validateJwksUri(uri: string): string | undefined {
  const text = uri.trim();
  if (!text) return 'Enter the URL of the JWK Set';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, e.g. https://example.org/.well-known/jwks.json';
  }
  const loopback = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) return 'Use an https URL';
  if (text.length > 2000) return 'Use at most 2000 characters';
  return undefined;
}

/** Redirect URIs typed one per line: trimmed, blank lines and repeats left out. */
export function splitRedirectUris(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()))].filter(Boolean);
}

/** An absolute URL; a fragment is refused (RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include one). */
function absoluteUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an absolute URL, e.g. https://app.example.org/callback`;
  }
  if (text.includes('#') || url.hash) return `"${text}" has a fragment (#…), which is not allowed`;
  if (text.length > 2000) return 'Use at most 2000 characters per URL';
  return undefined;
}

/** RFC 6749 §3.1.2: the code grant sends the browser back only to a registered, absolute redirect URI. */
export function validateRedirectUris(text: string, required: boolean): string | undefined {
  const uris = splitRedirectUris(text);
  if (uris.length === 0)
    return required ? 'Enter at least one redirect URI: the authorization code grant needs one' : undefined;
  for (const uri of uris) {
    const problem = absoluteUrlProblem(uri);
    if (problem) return problem;
  }
  return undefined;
}

/** SMART App Launch 2.2 EHR launch: the app's launch URL, opened with `iss` and `launch` added. */
export function validateLaunchUri(text: string): string | undefined {
  const uri = text.trim();
  return uri ? absoluteUrlProblem(uri) : undefined;
}
