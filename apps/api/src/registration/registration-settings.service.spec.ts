import type { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import type { ScopesService } from '../scopes/scopes.service';
import type { RegistrationSettingsEntity } from './registration-settings.entity';
import { RegistrationSettingsService } from './registration-settings.service';

function service(demoMode: boolean, saved: RegistrationSettingsEntity | null = null): RegistrationSettingsService {
  const repo = { findOneBy: async () => saved } as unknown as Repository<RegistrationSettingsEntity>;
  const scopes = {
    list: async () => [
      { scope: 'profile', description: '', resource_types: [], self_service: true },
      { scope: 'patient/Patient.read', description: '', resource_types: ['Patient'], self_service: true },
      { scope: 'system/Patient.read', description: '', resource_types: ['Patient'], self_service: false },
    ],
  } as unknown as ScopesService;
  return new RegistrationSettingsService(repo, scopes, { demoMode } as AppConfig);
}

describe('RegistrationSettingsService defaults', () => {
  it.each([
    [false, 'closed'],
    [true, 'open-with-approval'],
  ])('with demo mode %s: %s, offering the catalog scopes flagged self_service', async (demoMode, policy) => {
    expect(await service(demoMode).get()).toEqual({ policy, self_service_scopes: ['profile', 'patient/Patient.read'] });
  });

  it('uses the saved settings once there are any', async () => {
    const saved = {
      id: 1,
      policy: 'initial-token',
      selfServiceScopes: 'user/Patient.read profile',
      updatedAt: new Date(),
    };
    expect(await service(true, saved).get()).toEqual({
      policy: 'initial-token',
      self_service_scopes: ['user/Patient.read', 'profile'],
    });
  });
});
