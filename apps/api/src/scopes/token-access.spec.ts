import { parseScopes } from '@ccri/smart-scopes';
import { MetricsService } from '../metrics/metrics.service';
import { ScopeCheck } from './scope-check';
import { TokenAccess } from './token-access';

const checkWith = (strict = false) => {
  const metrics = new MetricsService();
  const check = new ScopeCheck({ publicResourceTypes: ['Organization'], strictPatientScopes: strict }, metrics);
  return { metrics, check };
};
const access = (scope: string, patient?: string, strict = false) =>
  TokenAccess.forToken({ scopes: parseScopes(scope).scopes, patient }, checkWith(strict).check);
const denials = async (metrics: MetricsService) =>
  (await metrics.render()).split('\n').filter((l) => l.startsWith('ccri_fhir_denials_total{'));

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
    expect(() => access('patient/Patient.read', undefined, true).require('Patient', 'r', 'read')).toThrow(
      /need a patient context/,
    );
  });

  it('throws insufficient_scope (403) from require, and counts the denial', async () => {
    const { metrics, check } = checkWith();
    const token = TokenAccess.forToken({ scopes: parseScopes('system/Patient.read').scopes }, check);
    expect(() => token.require('Condition', 'r', 'read')).toThrow(/do not permit read on Condition/);
    expect(await denials(metrics)).toEqual(['ccri_fhir_denials_total{resource_type="Condition",interaction="read"} 1']);
  });

  it('counts what permit leaves out, and nothing for a grant that is only asked about', async () => {
    const { metrics, check } = checkWith();
    const token = TokenAccess.forToken({ scopes: parseScopes('system/Patient.read').scopes }, check);
    expect(token.grant('Condition', 'r')).toBeNull();
    expect(token.permit('Patient', 'r', '_include')).not.toBeNull();
    expect(await denials(metrics)).toEqual([]);
    expect(token.permit('Condition', 'r', '_revinclude')).toBeNull();
    expect(await denials(metrics)).toEqual([
      'ccri_fhir_denials_total{resource_type="Condition",interaction="_revinclude"} 1',
    ]);
  });

  it('lets the server itself do anything', () => {
    expect(TokenAccess.internal().grant('Condition', 'd')).toEqual({ matched: [], publicType: false });
    expect(TokenAccess.internal().require('Condition', 'd', 'delete')).toEqual({ matched: [], publicType: false });
  });
});
