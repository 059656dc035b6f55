import { parseScopes } from '@ccri/smart-scopes';
import { TokenAccess } from './token-access';

const settings = { publicTypes: new Set(['Organization']), strictPatientScopes: false };
const access = (scope: string, patient?: string, strict = false) =>
  TokenAccess.forToken({ scopes: parseScopes(scope).scopes, patient }, { ...settings, strictPatientScopes: strict });

describe('TokenAccess (SMART App Launch 2.x §Scopes)', () => {
  it.each([
    ['system/Patient.read', 'Patient', 'r', 'open'],
    ['system/Patient.read', 'Patient', 's', 'open'],
    ['system/Patient.read', 'Patient', 'c', 'refused'],
    ['system/Patient.read', 'Condition', 'r', 'refused'],
    ['system/*.cruds', 'Condition', 'd', 'open'],
    ['system/Patient.rs', 'Patient', 'u', 'refused'],
    ['profile', 'Organization', 'r', 'open'],
    ['profile', 'Organization', 'c', 'refused'],
    ['patient/*.read', 'Condition', 'r', 'confined'],
    ['patient/*.read system/Condition.read', 'Condition', 'r', 'open'],
    ['patient/*.read', 'Organization', 'r', 'open'],
  ])('%s on %s (%s) is %s', (scope, type, permission, expected) => {
    const grant = access(scope, 'p1').grant(type, permission as 'r');
    const got = grant === null ? 'refused' : grant.patientCompartment ? 'confined' : 'open';
    expect(got).toBe(expected);
  });

  it('without a patient context, patient/ scopes gate types unless STRICT_PATIENT_SCOPES', () => {
    expect(access('patient/Patient.read').grant('Patient', 'r')).toMatchObject({ publicType: false });
    expect(access('patient/Patient.read', undefined, true).grant('Patient', 'r')).toBeNull();
  });

  it('throws insufficient_scope (403) from require', () => {
    expect(() => access('system/Patient.read').require('Condition', 'r', 'read')).toThrow(
      /do not permit read on Condition/,
    );
  });

  it('lets the server itself do anything', () => {
    expect(TokenAccess.internal().grant('Condition', 'd')).toEqual({ matched: [], publicType: false });
  });
});
