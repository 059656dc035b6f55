import { formatResourceScope, parseScopes, Permission, ResourceScope, Scope } from './scope';

/**
 * The part of `requested` that `allowed` permits, or null when nothing of it is.
 * An allowed wildcard covers a narrower request; a wider request is narrowed to what is allowed.
 */
export function intersectScope(requested: Scope, allowed: Scope): string | null {
  if (requested.kind === 'named' || allowed.kind === 'named') {
    return requested.kind === 'named' && allowed.kind === 'named' && requested.name === allowed.name
      ? requested.raw
      : null;
  }
  if (requested.context !== allowed.context) return null;
  let type: string;
  if (allowed.resourceType === '*') type = requested.resourceType;
  else if (requested.resourceType === '*' || requested.resourceType === allowed.resourceType)
    type = allowed.resourceType;
  else return null;
  const permissions = [...requested.permissions].filter((p) => allowed.permissions.has(p)) as Permission[];
  if (permissions.length === 0) return null;
  const query = mergeQuery(requested, allowed);
  if (query === null) return null;
  return formatResourceScope(requested.context, type, permissions, requested.version, query);
}

/**
 * A restriction on the allowed side must also bind the grant; conflicting values grant nothing. Every requested pair
 * is kept: a repeated parameter must hold each time (R4 search.html), so dropping one would grant more than asked.
 */
function mergeQuery(requested: ResourceScope, allowed: ResourceScope): [string, string][] | null {
  const merged: [string, string][] = requested.query.map(([k, v]) => [k, v]);
  for (const [k, v] of allowed.query) {
    const mine = merged.filter(([key]) => key === k);
    if (mine.length === 0) merged.push([k, v]);
    else if (!mine.some(([, value]) => value === v)) return null;
  }
  return merged;
}

/** True when `allowed` grants everything `requested` asks for. */
export function covers(allowed: Scope, requested: Scope): boolean {
  return intersectScope(requested, allowed) === canonical(requested);
}

function canonical(scope: Scope): string {
  if (scope.kind === 'named') return scope.raw;
  return formatResourceScope(scope.context, scope.resourceType, scope.permissions, scope.version, scope.query);
}

export type NegotiationResult =
  { ok: true; granted: string[] } | { ok: false; error: 'invalid_scope'; description: string };

/**
 * Scope negotiation at the token endpoint (RFC 6749 §3.3): granted = requested ∩ allowed;
 * no `scope` parameter grants everything allowed; a malformed or wholly refused request is `invalid_scope`.
 */
export function negotiateScopes(requested: string | undefined | null, allowed: string): NegotiationResult {
  const allowedScopes = parseScopes(allowed).scopes;
  if (requested === undefined || requested === null || requested.trim() === '') {
    return { ok: true, granted: allowedScopes.map((s) => s.raw) };
  }
  const parsed = parseScopes(requested);
  if (parsed.invalid.length > 0) {
    return { ok: false, error: 'invalid_scope', description: `Malformed scope: ${parsed.invalid.join(' ')}` };
  }
  const granted: string[] = [];
  const refused: string[] = [];
  for (const scope of parsed.scopes) {
    const pieces = new Set<string>();
    for (const a of allowedScopes) {
      const piece = intersectScope(scope, a);
      if (piece) pieces.add(piece);
    }
    if (pieces.size === 0) refused.push(scope.raw);
    for (const p of pieces) if (!granted.includes(p)) granted.push(p);
  }
  if (granted.length === 0) {
    return {
      ok: false,
      error: 'invalid_scope',
      description: `Scope not allowed for this client: ${refused.join(' ')}`,
    };
  }
  return { ok: true, granted: reduceGranted(granted) };
}

/** Drops grants covered by another grant, so `patient/*.read patient/Patient.read` reads as `patient/*.read`. */
function reduceGranted(granted: string[]): string[] {
  const parsed = granted.map((g) => parseScopes(g).scopes[0]);
  return granted.filter(
    (g, i) => !parsed.some((other, j) => j !== i && covers(other, parsed[i]) && !(covers(parsed[i], other) && j > i)),
  );
}
