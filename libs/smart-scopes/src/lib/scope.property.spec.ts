import fc from 'fast-check';
import { covers, negotiateScopes } from './negotiate';
import {
  formatResourceScope,
  NON_RESOURCE_SCOPES,
  parseScope,
  parseScopes,
  Permission,
  PERMISSIONS,
  ResourceScope,
  SCOPE_CONTEXTS,
  ScopeContext,
  splitScopes,
  V1_VERBS,
} from './scope';

// Property runs are bounded so the suite takes a few seconds on a loaded two-core machine.
fc.configureGlobal({ numRuns: 300 });

/** The structured form of a resource scope, as a client would mean it. */
interface ScopeShape {
  context: ScopeContext;
  resourceType: string;
  permissions: Permission[];
  version: 1 | 2;
  query: [string, string][];
}

const context = fc.constantFrom(...SCOPE_CONTEXTS);
const resourceType = fc.oneof(
  fc.constantFrom('Patient', 'Observation', 'Condition', 'MedicationRequest', 'Encounter'),
  fc.stringMatching(/^[A-Z][A-Za-z]{1,20}$/),
);
/** A non-empty set of v2 permissions, in canonical c r u d s order. */
const permissions = fc.subarray([...PERMISSIONS], { minLength: 1 }).map((p) => p as Permission[]);
/** Permissions that have a v1 name (read = rs, write = cud, * = cruds). */
const v1Permissions = fc.constantFrom(...Object.values(V1_VERBS)).map((l) => l.split('') as Permission[]);
const queryName = fc.oneof(
  fc.constantFrom('category', 'status', 'code', '_tag', 'subject:Patient', 'identifier', 'patient.name'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_:.-]{0,12}$/),
);
/** A restriction value: anything but `&`, `=` and whitespace (SMART 2.x §Finer-grained resource constraints). */
const queryValue = fc.string({
  unit: fc.oneof(fc.constantFrom(...'abcXYZ019-_.|:/%?#$,'.split('')), fc.constantFrom('é', '😀', 'ß')),
  minLength: 1,
  maxLength: 12,
});
/** Restrictions, a parameter sometimes repeated (each occurrence must hold, as in a FHIR search). */
const query = fc.oneof(
  fc.array(fc.tuple(queryName, queryValue), { maxLength: 3 }),
  fc.tuple(queryName, queryValue, queryValue).map(([k, a, b]): [string, string][] => [
    [k, a],
    [k, b],
  ]),
);

const v1Scope: fc.Arbitrary<ScopeShape> = fc.record({
  context,
  resourceType: fc.oneof(resourceType, fc.constant('*')),
  permissions: v1Permissions,
  version: fc.constant(1 as const),
  query: fc.constant([]),
});
const v2Scope: fc.Arbitrary<ScopeShape> = fc.record({
  context,
  resourceType: fc.oneof(resourceType, fc.constant('*')),
  permissions,
  version: fc.constant(2 as const),
  query,
});
const validScope = fc.oneof(v1Scope, v2Scope);

const format = (s: ScopeShape) => formatResourceScope(s.context, s.resourceType, s.permissions, s.version, s.query);
const shapeOf = (s: ResourceScope): ScopeShape => ({
  context: s.context,
  resourceType: s.resourceType,
  permissions: PERMISSIONS.filter((p) => s.permissions.has(p)),
  version: s.version,
  query: s.query.map(([k, v]) => [k, v]),
});

/** Scope-ish text: fragments of the grammar, separators, whitespace and unicode. */
const scopeText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...'patiensyuAPO*./?=&_:-rcuds '.split(''), '\t', '\u3000', 'é', '\u0000'),
    maxLength: 60,
  }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(fc.oneof(validScope.map(format), fc.constantFrom(...NON_RESOURCE_SCOPES)), { maxLength: 4 })
    .map((s) => s.join(' ')),
  fc.string({ unit: fc.constantFrom('a', '/', '.', '?', '='), minLength: 200, maxLength: 400 }),
);

describe('parseScopes never throws', () => {
  it('splits any string into parsed and invalid entries, each entry once (RFC 6749 §3.3)', () => {
    fc.assert(
      fc.property(fc.option(scopeText, { nil: undefined }), (text) => {
        const { scopes, invalid } = parseScopes(text);
        const entries = splitScopes(text);
        expect([...scopes.map((s) => s.raw), ...invalid].sort()).toEqual([...entries].sort());
      }),
      { numRuns: 500 },
    );
    expect(parseScopes(null)).toEqual({ scopes: [], invalid: [] });
  });

  it('negotiateScopes never throws, and never grants what no allowed scope covers', () => {
    fc.assert(
      fc.property(scopeText, scopeText, (requested, allowed) => {
        const result = negotiateScopes(requested, allowed);
        if (!result.ok) {
          expect(result.error).toBe('invalid_scope');
          return;
        }
        const allowedScopes = parseScopes(allowed).scopes;
        for (const g of result.granted) {
          const scope = parseScope(g);
          expect(scope).not.toBeNull();
          expect(allowedScopes.some((a) => covers(a, scope!))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('format then parse is the identity on valid scopes (SMART App Launch 2.x §Scopes)', () => {
  it('for v1 (read, write, *) and v2 (cruds with ?param=value) scopes', () => {
    fc.assert(
      fc.property(validScope, (shape) => {
        const raw = format(shape);
        const parsed = parseScope(raw);
        expect(parsed?.kind).toBe('resource');
        expect(shapeOf(parsed as ResourceScope)).toEqual(shape);
        expect(parsed!.raw).toBe(raw);
      }),
    );
  });

  it('a space-separated list of them parses to each in turn, with nothing invalid', () => {
    fc.assert(
      fc.property(fc.uniqueArray(validScope.map(format), { maxLength: 5 }), (raws) => {
        const { scopes, invalid } = parseScopes(raws.join(' '));
        expect(invalid).toEqual([]);
        expect(scopes.map((s) => s.raw)).toEqual(raws);
      }),
    );
  });
});

describe('a wildcard scope covers every narrower request (negotiateScopes)', () => {
  /** An allowed `context/*.<perms>` and a request for one type, a subset of those permissions, any restriction. */
  const narrower = fc
    .record({ context, allowedPermissions: permissions, allowedVersion: fc.constantFrom(1 as const, 2 as const) })
    .chain(({ context, allowedPermissions, allowedVersion }) =>
      fc.record({
        allowed: fc.constant<ScopeShape>({
          context,
          resourceType: '*',
          permissions: allowedPermissions,
          version: allowedVersion,
          query: [],
        }),
        requested: fc.record({
          context: fc.constant(context),
          resourceType: fc.oneof(resourceType, fc.constant('*')),
          permissions: fc.subarray(allowedPermissions, { minLength: 1 }),
          version: fc.constant(2 as const),
          query,
        }),
      }),
    );

  it('grants exactly the narrower request', () => {
    fc.assert(
      fc.property(narrower, ({ allowed, requested }) => {
        const request = format(requested);
        expect(covers(parseScope(format(allowed))!, parseScope(request)!)).toBe(true);
        expect(negotiateScopes(request, format(allowed))).toEqual({ ok: true, granted: [request] });
      }),
    );
  });

  it('narrows a wider request to the permissions allowed, and refuses one in another context', () => {
    fc.assert(
      fc.property(narrower, permissions, context, ({ allowed, requested }, extra, otherContext) => {
        const wider = {
          ...requested,
          permissions: PERMISSIONS.filter((p) => requested.permissions.includes(p) || extra.includes(p)),
        };
        const result = negotiateScopes(format(wider), format(allowed));
        expect(result).toEqual({
          ok: true,
          granted: [
            format({ ...wider, permissions: wider.permissions.filter((p) => allowed.permissions.includes(p)) }),
          ],
        });
        const elsewhere = negotiateScopes(format({ ...requested, context: otherContext }), format(allowed));
        expect(elsewhere.ok).toBe(otherContext === allowed.context);
      }),
    );
  });
});
