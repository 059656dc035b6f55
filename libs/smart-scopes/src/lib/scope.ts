/**
 * SMART App Launch scope grammar (v1: `context/Type.read|write|*`, v2: `context/Type.cruds?param=value`).
 * SMART App Launch 2.x §Scopes and Launch Context: permissions appear in the order c, r, u, d, s.
 */
export const SCOPE_CONTEXTS = ['patient', 'user', 'system'] as const;
export type ScopeContext = (typeof SCOPE_CONTEXTS)[number];

export const PERMISSIONS = ['c', 'r', 'u', 'd', 's'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Scopes that are not about resources (SMART App Launch 2.x §Scopes for requesting context data / identity data). */
export const NON_RESOURCE_SCOPES = [
  'openid',
  'profile',
  'fhirUser',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
  'email',
  'introspect',
] as const;

/** v1 verbs and what they mean in v2 permissions: read = r+s, write = c+u+d. */
export const V1_VERBS = { read: 'rs', write: 'cud', '*': 'cruds' } as const;

export interface ResourceScope {
  kind: 'resource';
  raw: string;
  context: ScopeContext;
  /** A resource type or `*`. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
  version: 1 | 2;
  /** SMART v2 `?param=value` restriction (parameters in the order given). */
  query: ReadonlyArray<readonly [string, string]>;
}

export interface NamedScope {
  kind: 'named';
  raw: string;
  name: string;
}

export type Scope = ResourceScope | NamedScope;

const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.([a-z*]+)(?:\?(.+))?$/;
const V2_PERMISSIONS = /^c?r?u?d?s?$/;
const QUERY_PARAM = /^[A-Za-z_][A-Za-z0-9_:.-]*=[^&=\s]+$/;

/** Parses one scope; `null` when it is not a scope this server understands. */
export function parseScope(raw: string): Scope | null {
  if (!raw || raw.length > 256) return null;
  if ((NON_RESOURCE_SCOPES as readonly string[]).includes(raw)) return { kind: 'named', raw, name: raw };
  const m = RESOURCE_SCOPE.exec(raw);
  if (!m) return null;
  const [, context, resourceType, verb, queryString] = m;
  let letters: string;
  let version: 1 | 2;
  if (verb in V1_VERBS) {
    if (queryString) return null; // query restrictions exist only in v2
    letters = V1_VERBS[verb as keyof typeof V1_VERBS];
    version = 1;
  } else if (V2_PERMISSIONS.test(verb) && verb.length > 0) {
    letters = verb;
    version = 2;
  } else {
    return null;
  }
  const query: [string, string][] = [];
  if (queryString !== undefined) {
    for (const pair of queryString.split('&')) {
      if (!QUERY_PARAM.test(pair)) return null;
      const eq = pair.indexOf('=');
      query.push([pair.slice(0, eq), pair.slice(eq + 1)]);
    }
  }
  return {
    kind: 'resource',
    raw,
    context: context as ScopeContext,
    resourceType,
    permissions: new Set(letters.split('') as Permission[]),
    version,
    query,
  };
}

export interface ParsedScopes {
  scopes: Scope[];
  invalid: string[];
}

/** Splits a space-delimited scope string (RFC 6749 §3.3) and parses each entry. */
export function parseScopes(value: string | undefined | null): ParsedScopes {
  const scopes: Scope[] = [];
  const invalid: string[] = [];
  for (const raw of splitScopes(value)) {
    const scope = parseScope(raw);
    if (scope) scopes.push(scope);
    else invalid.push(raw);
  }
  return { scopes, invalid };
}

export function splitScopes(value: string | undefined | null): string[] {
  if (!value) return [];
  return [...new Set(value.split(/\s+/).filter((s) => s.length > 0))];
}

/** Serialises a resource scope, in v1 form when the source was v1 and the permissions have a v1 name. */
export function formatResourceScope(
  context: ScopeContext,
  resourceType: string,
  permissions: Iterable<Permission>,
  version: 1 | 2,
  query: ReadonlyArray<readonly [string, string]> = [],
): string {
  const set = new Set(permissions);
  const letters = PERMISSIONS.filter((p) => set.has(p)).join('');
  let verb = letters;
  if (version === 1 && query.length === 0) {
    const v1 = (Object.keys(V1_VERBS) as (keyof typeof V1_VERBS)[]).find((k) => V1_VERBS[k] === letters);
    if (v1) verb = v1;
  }
  const q = query.length ? '?' + query.map(([k, v]) => `${k}=${v}`).join('&') : '';
  return `${context}/${resourceType}.${verb}${q}`;
}

/** True when a scope string is syntactically valid. */
export function isValidScope(raw: string): boolean {
  return parseScope(raw) !== null;
}
