import type { AuditQuery, AuditRecord, Page } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export function listAudit(api: ApiClient, query: AuditQuery, signal?: AbortSignal): Promise<Page<AuditRecord>> {
  return api.get<Page<AuditRecord>>('/api/audit', { query: { ...query }, signal });
}

/** The API's largest page. */
export const AUDIT_MAX_PAGE = 1000;

/**
 * Every record matching `query`, newest first, read page by page up to `cap` records.
 * `truncated` says whether more matched than were read.
 */
export async function listAllAudit(
  api: ApiClient,
  query: AuditQuery,
  cap: number,
): Promise<{ items: AuditRecord[]; total: number; truncated: boolean }> {
  const items: AuditRecord[] = [];
  let total = 0;
  for (let page = 1; items.length < cap; page++) {
    const result = await listAudit(api, { ...query, page, limit: AUDIT_MAX_PAGE });
    total = result.total;
    items.push(...result.items);
    if (result.items.length < AUDIT_MAX_PAGE || items.length >= total) break;
  }
  return { items: items.slice(0, cap), total, truncated: total > cap };
}
