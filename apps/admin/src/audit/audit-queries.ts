import type { AuditQuery } from '@ccri/contracts';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { listAudit } from './audit-api';
import type { ChartBucket } from './audit-chart';

export const AUDIT_PAGE_SIZE = 50;

export const auditKeys = {
  all: ['audit'] as const,
  page: (query: AuditQuery, page: number) => ['audit', 'page', query, page] as const,
  count: (query: AuditQuery) => ['audit', 'count', query] as const,
};

export function useAuditPage(query: AuditQuery, page: number) {
  const api = useApi();
  return useQuery({
    queryKey: auditKeys.page(query, page),
    queryFn: ({ signal }) => listAudit(api, { ...query, page, limit: AUDIT_PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
}

/**
 * Requests and denials per bucket, counted by the server: one single-row query per bucket and series, whose `total`
 * is the count. Exact at any volume, where sampling the newest records would not be. When the outcome filter
 * decides the denials by itself (only denials, or none), one series is asked for and the other follows from it.
 */
export function useAuditChart(query: AuditQuery, buckets: { start: Date; end: Date }[]) {
  const api = useApi();
  const separateDenials = !query.outcome;
  const series = buckets.flatMap((b) => {
    const window = { ...query, from: b.start.toISOString(), to: b.end.toISOString() };
    return separateDenials ? [window, { ...window, outcome: 'denied' as const }] : [window];
  });
  return useQueries({
    queries: series.map((q) => ({
      queryKey: auditKeys.count(q),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        listAudit(api, { ...q, page: 1, limit: 1 }, signal).then((p) => p.total),
    })),
    combine: (results) => {
      const failed = results.find((r) => r.isError);
      const pending = results.some((r) => r.isPending);
      const step = separateDenials ? 2 : 1;
      const denied = (i: number) => {
        if (separateDenials) return results[i * step + 1].data ?? 0;
        return query.outcome === 'denied' ? (results[i * step].data ?? 0) : 0;
      };
      const data: ChartBucket[] | undefined = pending
        ? undefined
        : buckets.map((b, i) => ({ ...b, requests: results[i * step].data ?? 0, denied: denied(i) }));
      return {
        data,
        isPending: pending,
        error: failed?.error ?? null,
        refetch: () => results.forEach((r) => r.refetch()),
      };
    },
  });
}
