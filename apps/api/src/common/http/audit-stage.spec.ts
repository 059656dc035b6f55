import type { AuditedRequest } from './audit-stage';
import { openAudit, stageAudit, stageAuditDefaults, stageAuditRow, takeAudit } from './audit-stage';

describe('audit staging', () => {
  it('stages nothing into a request that is not audited', () => {
    const request: AuditedRequest = {};
    stageAudit(request, { client_id: 'app' });
    stageAuditDefaults(request, { reason: 'invalid_token' });
    expect(stageAuditRow(request, { row: 1 })).toBe(false);
    expect(takeAudit(request)).toBeUndefined();
  });

  it('merges what each layer stages into one record, written once', () => {
    const request: AuditedRequest = {};
    openAudit(request, { category: 'fhir', action: 'read', resource_type: 'Patient', resource_id: '1' });
    stageAudit(request, { client_id: 'app', scope: 'system/Patient.rs' });
    stageAudit(request, { resource_id: '2' });
    expect(stageAuditRow(request, { row: 1 })).toBe(true);
    expect(takeAudit(request)).toEqual({
      category: 'fhir',
      action: 'read',
      resource_type: 'Patient',
      resource_id: '2',
      client_id: 'app',
      scope: 'system/Patient.rs',
      commitWith: [{ row: 1 }],
    });
    expect(takeAudit(request)).toBeUndefined();
  });

  it('stages defaults only where nothing (or null) is staged, as an error filter does', () => {
    const request: AuditedRequest = {};
    openAudit(request, { category: 'token', action: 'token', reason: 'client_disabled', client_id: null });
    stageAuditDefaults(request, { reason: 'invalid_client', client_id: 'app', outcome: 'denied', actor: undefined });
    expect(takeAudit(request)).toEqual({
      category: 'token',
      action: 'token',
      reason: 'client_disabled',
      client_id: 'app',
      outcome: 'denied',
    });
  });

  it('starts over when a step opens its own record, and opening null leaves the request unaudited', () => {
    const request: AuditedRequest = {};
    openAudit(request, { category: 'token', action: 'authorize', client_id: 'app' });
    openAudit(request, { category: 'token', action: 'consent' });
    expect(takeAudit(request)).toEqual({ category: 'token', action: 'consent' });
    openAudit(request, null);
    expect(takeAudit(request)).toBeUndefined();
  });
});
