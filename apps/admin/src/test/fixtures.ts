import type {
  AuditRecord,
  AuthorizationGrant,
  DirectoryEntry,
  EndUser,
  LiveToken,
  ScopeCatalogEntry,
  SigningKeyInfo,
} from '@ccri/contracts';

export function aScope(overrides: Partial<ScopeCatalogEntry> = {}): ScopeCatalogEntry {
  return {
    scope: 'patient/Patient.read',
    description: "Read and search the patient's Patient resources",
    resource_types: ['Patient'],
    self_service: true,
    ...overrides,
  };
}

export function anAuditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: '0190a0b0-0000-7000-8000-000000000001',
    recorded_at: '2025-03-01T10:15:00.000Z',
    category: 'token',
    action: 'client_credentials',
    client_id: 'patient-access',
    actor: null,
    outcome: 'success',
    status: 200,
    reason: null,
    resource_type: null,
    resource_id: null,
    scope: 'system/Patient.read',
    ip: '127.0.0.1',
    request_id: 'req-1',
    ...overrides,
  };
}

export function aLiveToken(overrides: Partial<LiveToken> = {}): LiveToken {
  const now = Date.now();
  return {
    jti: 'jti-0001-aaaa-bbbb',
    client_id: 'patient-access',
    scope: 'system/Patient.read',
    patient: null,
    issued_at: new Date(now - 60_000).toISOString(),
    expires_at: new Date(now + 3_540_000).toISOString(),
    kid: 'kid-1',
    ...overrides,
  };
}

export function aSigningKey(overrides: Partial<SigningKeyInfo> = {}): SigningKeyInfo {
  return {
    kid: 'kid-active-0001',
    alg: 'RS256',
    status: 'active',
    created_at: '2025-01-01T00:00:00.000Z',
    retired_at: null,
    remove_after: null,
    signs: ['access_tokens', 'id_tokens'],
    ...overrides,
  };
}

export function anEndUser(overrides: Partial<EndUser> = {}): EndUser {
  return {
    id: 'user-1',
    username: 'jane.smith',
    display_name: 'Jane Smith',
    email: 'jane@example.org',
    role: 'patient',
    fhir_user: 'Patient/p-1',
    enabled: true,
    external_identities: [],
    created_at: '2025-02-01T09:00:00.000Z',
    updated_at: '2025-02-01T09:00:00.000Z',
    ...overrides,
  };
}

export function aGrant(overrides: Partial<AuthorizationGrant> = {}): AuthorizationGrant {
  return {
    id: 'grant-1',
    user_id: 'user-1',
    username: 'jane.smith',
    client_id: 'growth-chart',
    client_name: 'Growth Chart',
    scope: 'launch/patient patient/Observation.rs offline_access',
    patient: 'p-1',
    kind: 'offline',
    created_at: '2025-03-01T10:00:00.000Z',
    last_used_at: '2025-03-02T11:00:00.000Z',
    expires_at: null,
    ...overrides,
  };
}

export function aDirectoryEntry(overrides: Partial<DirectoryEntry> = {}): DirectoryEntry {
  return {
    reference: 'Patient/p-1',
    display: 'Jane Smith',
    birth_date: '1980-04-12',
    nhs_number: '9000000009',
    ...overrides,
  };
}
