import type { Client } from '@ccri/contracts';

/** A Client as the management API returns it, with overrides. */
export function aClient(overrides: Partial<Client> = {}): Client {
  return {
    client_id: 'patient-access',
    client_name: 'Patient Access',
    description: 'Reads and writes patients',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'system/Patient.read system/Patient.write',
    enabled: true,
    single_active_token: false,
    status: 'active',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}
