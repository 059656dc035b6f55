import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { parseScopes } from '@ccri/smart-scopes';
import { MetricsService } from '../../metrics/metrics.service';
import { ScopeCheck } from '../scope-check';
import { FHIR_INTERACTION_KEY } from '../scope-metadata';
import type { TokenAccess } from '../token-access';
import { FhirScopeGuard } from './fhir-scope.guard';

/** A route handler carrying its interaction and a stub request: the guard's decision is ScopeCheck's, and its refusals are counted. */
function setup(strict = false) {
  const metrics = new MetricsService();
  const check = new ScopeCheck({ publicResourceTypes: ['Organization'], strictPatientScopes: strict }, metrics);
  const run = (scope: string, interaction: string, type: string | undefined, patient?: string) => {
    const request: Record<string, unknown> = {
      principal: { scopes: parseScopes(scope).scopes, patient },
      params: { type },
    };
    const handler = () => undefined;
    SetMetadata(FHIR_INTERACTION_KEY, interaction)(handler, 'handler', { value: handler });
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => handler,
    } as unknown as ExecutionContext;
    new FhirScopeGuard(check).canActivate(context);
    return request.tokenAccess as TokenAccess;
  };
  const denials = async () =>
    (await metrics.render()).split('\n').filter((l) => l.startsWith('ccri_fhir_denials_total{'));
  return { run, denials };
}

describe('FhirScopeGuard (SMART App Launch 2.x §Scopes)', () => {
  it('lets a matching scope through, confined to the patient for patient/ scopes', () => {
    const { run } = setup();
    // The guard hands its decision on: the services ask the same access, which answers as the guard decided.
    const system = run('system/Patient.read', 'read', 'Patient').grant('Patient', 'r');
    expect(system).toMatchObject({ publicType: false });
    expect(system?.matched).toHaveLength(1);
    expect(system?.patientCompartment).toBeUndefined();
    expect(run('patient/*.read', 'search-type', 'Condition', 'p1').grant('Condition', 's')).toMatchObject({
      patientCompartment: 'p1',
    });
    expect(run('profile', 'read', 'Organization').grant('Organization', 'r')).toMatchObject({
      publicType: true,
      matched: [],
    });
  });

  it('refuses (403) and counts each denial', async () => {
    const { run, denials } = setup();
    expect(() => run('system/Patient.read', 'search-type', 'Condition')).toThrow(
      /do not permit search-type on Condition/,
    );
    expect(() => run('profile', 'create', 'Organization')).toThrow(/do not permit create on Organization/);
    expect(await denials()).toEqual([
      'ccri_fhir_denials_total{resource_type="Condition",interaction="search-type"} 1',
      'ccri_fhir_denials_total{resource_type="Organization",interaction="create"} 1',
    ]);
  });

  it('refuses patient/ scopes without a patient context when strict', async () => {
    const { run, denials } = setup(true);
    expect(() => run('patient/Patient.read', 'read', 'Patient')).toThrow(/need a patient context/);
    expect(await denials()).toHaveLength(1);
  });

  it('passes cross-type interactions to the per-entry checks', () => {
    const { run } = setup();
    const access = run('system/Patient.read', 'transaction', undefined);
    expect(access.grant('Patient', 'c')).toBeNull();
    expect(access.grant('Patient', 'r')).toMatchObject({ publicType: false });
    expect(() => access.require('Condition', 'c', 'transaction')).toThrow(/do not permit transaction on Condition/);
  });
});
