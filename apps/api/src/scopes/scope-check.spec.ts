import { parseScopes } from '@ccri/smart-scopes';
import { decideScope, ScopedToken, ScopeSettings } from './scope-check';

const settings: ScopeSettings = { publicTypes: new Set(['Practitioner']), strictPatientScopes: false };
const token = (scope: string, extra: Partial<ScopedToken> = {}): ScopedToken => ({
  scopes: parseScopes(scope).scopes,
  ...extra,
});

describe('decideScope: who a token acts for', () => {
  it.each([
    ['a practitioner with user/ scopes: unconfined', token('user/*.read'), undefined],
    ['patient/ scopes with a patient in context: that patient', token('patient/*.read', { patient: 'p1' }), 'p1'],
    ['a patient user with user/ scopes: their own compartment', token('user/*.read', { actingPatient: 'me' }), 'me'],
    ['a patient user with system/ scopes: still their own', token('system/*.read', { actingPatient: 'me' }), 'me'],
    [
      'a patient user with another patient in context: their own',
      token('patient/*.read', { patient: 'p2', actingPatient: 'me' }),
      'me',
    ],
  ])('%s', (_label, t, compartment) => {
    const decision = decideScope(t, 'Observation', 'r', settings);
    expect(decision.grant?.patientCompartment).toBe(compartment);
  });

  it('leaves public types open to a patient user', () => {
    const decision = decideScope(token('user/*.read', { actingPatient: 'me' }), 'Practitioner', 'r', settings);
    expect(decision.grant).toMatchObject({ publicType: true });
    expect(decision.grant?.patientCompartment).toBeUndefined();
  });

  it('grants a patient user nothing their scopes do not', () => {
    expect(decideScope(token('user/Patient.read', { actingPatient: 'me' }), 'Observation', 'r', settings)).toEqual({
      denied: 'no-scope',
    });
  });
});
