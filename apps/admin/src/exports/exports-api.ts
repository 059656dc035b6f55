import type { BulkExportJob, Page } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export function listExportJobs(
  api: ApiClient,
  clientId: string | undefined,
  signal?: AbortSignal,
): Promise<Page<BulkExportJob>> {
  return api.get<Page<BulkExportJob>>('/api/bulk-exports', { query: { client_id: clientId }, signal });
}
