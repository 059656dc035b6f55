/** FHIR R4 RESTful interactions (FHIR R4 http.html), as declared on every FHIR route. */
export const FHIR_INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'history-system',
  'create',
  'search-type',
  'search-system',
  'capabilities',
  'transaction',
  'batch',
  // FHIR Bulk Data Access IG 2.0: kick-off, status poll, file download, cancel.
  'bulk-export',
  'bulk-status',
  'bulk-download',
  'bulk-cancel',
] as const;
export type FhirInteraction = (typeof FHIR_INTERACTIONS)[number];

export const FHIR_JSON = 'application/fhir+json';

/** A FHIR Bulk Data export job as the management API lists it (`GET /api/bulk-exports`). */
export interface BulkExportJob {
  id: string;
  client_id: string;
  /** `system` ([base]/$export), `patient` (Patient/$export) or `group` (Group/{id}/$export). */
  level: 'system' | 'patient' | 'group';
  group_id: string | null;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  /** The kick-off request URL. */
  request: string;
  types: string[];
  /** Resources written so far (all of them once completed). */
  resource_count: number;
  file_count: number;
  /** What the job is doing, as its `X-Progress` header says. */
  progress: string | null;
  error: string | null;
  created_at: string;
  completed_at: string | null;
  expires_at: string | null;
}
