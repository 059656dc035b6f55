import { formatResourceScope, parseScope, parseScopes } from './scope';
import { covers, negotiateScopes } from './negotiate';
import { matchingScopes, permits } from './permissions';

describe('parseScope', () => {
  it.each([
    ['patient/Patient.read', 'patient', 'Patient', 'rs', 1],
    ['user/Observation.write', 'user', 'Observation', 'cud', 1],
    ['system/*.*', 'system', '*', 'cruds', 1],
    ['patient/*.read', 'patient', '*', 'rs', 1],
    ['patient/Condition.rs', 'patient', 'Condition', 'rs', 2],
    ['user/Patient.cruds', 'user', 'Patient', 'cruds', 2],
    ['system/Observation.r', 'system', 'Observation', 'r', 2],
    ['patient/Observation.rs?category=laboratory', 'patient', 'Observation', 'rs', 2],
  ])('%s → %s/%s permissions %s (v%d)', (raw, context, type, perms, version) => {
    const s = parseScope(raw);
    expect(s).not.toBeNull();
    if (s?.kind !== 'resource') throw new Error('expected a resource scope');
    expect(s.context).toBe(context);
    expect(s.resourceType).toBe(type);
    expect([...s.permissions].sort().join('')).toBe(perms.split('').sort().join(''));
    expect(s.version).toBe(version);
  });

  it.each(['openid', 'profile', 'fhirUser', 'launch', 'launch/patient', 'offline_access'])(
    '%s is a named scope',
    (raw) => {
      expect(parseScope(raw)).toEqual({ kind: 'named', raw, name: raw });
    },
  );

  it.each([
    ['', 'empty'],
    ['patient/Patient', 'no verb'],
    ['patient/Patient.sr', 'v2 permissions out of order'],
    ['patient/Patient.rr', 'repeated permission'],
    ['patient/Patient.x', 'unknown permission'],
    ['admin/Patient.read', 'unknown context'],
    ['patient/patient.read', 'lower-case type'],
    ['patient/Patient.read?x=1', 'query on a v1 scope'],
    ['patient/Observation.rs?category', 'query without value'],
    ["patient/Patient.read' OR 1=1", 'injection'],
    ['Patient.read', 'no context'],
    ['offline', 'unknown name'],
  ])('%j is refused (%s)', (raw) => {
    expect(parseScope(raw)).toBeNull();
  });

  it('keeps v2 query restrictions in order', () => {
    const s = parseScope('patient/Observation.rs?category=vital-signs&status=final');
    expect(s?.kind === 'resource' && s.query).toEqual([
      ['category', 'vital-signs'],
      ['status', 'final'],
    ]);
  });

  it('splits a scope string and reports malformed entries', () => {
    const r = parseScopes('profile  patient/Patient.read bogus');
    expect(r.scopes.map((s) => s.raw)).toEqual(['profile', 'patient/Patient.read']);
    expect(r.invalid).toEqual(['bogus']);
  });
});

describe('v1 and v2 equivalence', () => {
  it.each([
    ['patient/Patient.read', 'patient/Patient.rs'],
    ['user/Condition.write', 'user/Condition.cud'],
    ['system/*.*', 'system/*.cruds'],
  ])('%s ≡ %s', (v1, v2) => {
    const a = parseScope(v1)!;
    const b = parseScope(v2)!;
    expect(covers(a, b)).toBe(true);
    expect(covers(b, a)).toBe(true);
  });

  it('formats a v1 source in v1 words when it can', () => {
    expect(formatResourceScope('patient', 'Patient', ['r', 's'], 1)).toBe('patient/Patient.read');
    expect(formatResourceScope('patient', 'Patient', ['r'], 1)).toBe('patient/Patient.r');
    expect(formatResourceScope('user', '*', ['s', 'r'], 2)).toBe('user/*.rs');
  });
});

describe('covers', () => {
  it.each([
    ['patient/*.read', 'patient/Patient.read', true],
    ['patient/*.read', 'patient/Patient.r', true],
    ['patient/Patient.read', 'patient/*.read', false],
    ['patient/Patient.read', 'user/Patient.read', false],
    ['patient/Patient.read', 'patient/Patient.write', false],
    ['patient/Patient.rs', 'patient/Patient.rs?identifier=x', true],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs', false],
    ['profile', 'profile', true],
    ['profile', 'openid', false],
  ])('%s covers %s: %s', (allowed, requested, expected) => {
    expect(covers(parseScope(allowed)!, parseScope(requested)!)).toBe(expected);
  });
});

describe('negotiateScopes', () => {
  const allowed = 'profile patient/Patient.read patient/Patient.write';

  it.each([
    [undefined, ['profile', 'patient/Patient.read', 'patient/Patient.write']],
    ['', ['profile', 'patient/Patient.read', 'patient/Patient.write']],
    ['patient/Patient.read', ['patient/Patient.read']],
    ['patient/Patient.r', ['patient/Patient.r']],
    ['patient/Patient.cruds', ['patient/Patient.rs', 'patient/Patient.cud']],
    ['patient/*.read', ['patient/Patient.read']],
    ['patient/Patient.read patient/Condition.read', ['patient/Patient.read']],
    ['profile openid', ['profile']],
  ])('requested %j → %j', (requested, granted) => {
    expect(negotiateScopes(requested, allowed)).toEqual({ ok: true, granted });
  });

  it.each([
    ['patient/Condition.read', 'not allowed'],
    ['user/Patient.read', 'another context'],
    ['system/*.*', 'escalation'],
    ['patient/Condition.rs user/*.cruds', 'mixed v1/v2 escalation'],
    ['patient/Patient.read bogus!', 'malformed'],
  ])('refuses %j (%s) with invalid_scope', (requested) => {
    const r = negotiateScopes(requested, allowed);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe('invalid_scope');
  });

  it('narrows a wildcard grant to a requested type', () => {
    expect(negotiateScopes('system/Patient.rs', 'system/*.read')).toEqual({ ok: true, granted: ['system/Patient.rs'] });
  });

  // Found by scope.property.spec.ts: the second `category` was dropped, so the grant was wider than the request.
  it('keeps a repeated restriction of the request on the grant', () => {
    expect(negotiateScopes('patient/Observation.rs?category=a&category=b', 'patient/*.rs')).toEqual({
      ok: true,
      granted: ['patient/Observation.rs?category=a&category=b'],
    });
    expect(covers(parseScope('patient/*.rs')!, parseScope('patient/Observation.rs?category=a&category=b')!)).toBe(true);
  });

  // Found by scope.property.spec.ts: an allowed scope with a repeated restriction did not cover itself.
  it('grants an allowed scope with a repeated restriction when asked for exactly that', () => {
    const scope = 'patient/Patient.s?_=a&_=é';
    expect(covers(parseScope(scope)!, parseScope(scope)!)).toBe(true);
    expect(negotiateScopes(scope, scope)).toEqual({ ok: true, granted: [scope] });
    expect(negotiateScopes('patient/Patient.s?_=a', scope).ok).toBe(false);
  });

  it('keeps an allowed query restriction on the grant', () => {
    expect(negotiateScopes('patient/Observation.rs', 'patient/Observation.rs?category=laboratory')).toEqual({
      ok: true,
      granted: ['patient/Observation.rs?category=laboratory'],
    });
  });
});

describe('permits', () => {
  const granted = parseScopes('patient/Patient.read user/Condition.rs system/Observation.c').scopes;

  it.each([
    ['Patient', 'r', true],
    ['Patient', 's', true],
    ['Patient', 'u', false],
    ['Condition', 's', true],
    ['Observation', 'c', true],
    ['Observation', 'r', false],
    ['MedicationRequest', 'r', false],
  ] as const)('%s %s → %s', (resourceType, permission, expected) => {
    expect(permits(granted, { resourceType, permission })).toBe(expected);
  });

  it('ranks system before user before patient', () => {
    const g = parseScopes('patient/*.read user/Patient.read system/Patient.r').scopes;
    expect(matchingScopes(g, { resourceType: 'Patient', permission: 'r' }).map((s) => s.context)).toEqual([
      'system',
      'user',
      'patient',
    ]);
  });
});
