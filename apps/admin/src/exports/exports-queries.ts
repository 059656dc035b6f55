import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { listExportJobs } from './exports-api';

/** While a job is queued or running, the list refreshes every few seconds to show its progress. */
export function useExportJobs(clientId?: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['bulk-exports', clientId ?? null],
    queryFn: ({ signal }) => listExportJobs(api, clientId, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.status === 'queued' || j.status === 'running') ? 3000 : 30_000,
  });
}
