import type { AuditRecord } from '@ccri/contracts';
import { Box, Button, EmptyState, Group, Pagination, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../api/api-error';
import { PageHeader } from '../app/page-header';
import { ErrorState, Notice, QueryStates } from '../app/query-states';
import { useApi } from '../auth/session-context';
import { listAllAudit } from './audit-api';
import { AuditChart } from './audit-chart';
import { toCsv, downloadText } from './audit-csv';
import { AuditFiltersForm } from './audit-filters-form';
import {
  bucketCount,
  buckets,
  filtersFromParams,
  filtersToParams,
  RANGE_PRESETS,
  resolveRange,
  toAuditQuery,
  type AuditFilters,
} from './audit-filters';
import { AUDIT_PAGE_SIZE, useAuditChart, useAuditPage } from './audit-queries';
import { AuditDetailDrawer, AuditTable } from './audit-table';

/** The most records one CSV export reads (50 requests of the API's largest page). */
export const EXPORT_CAP = 50_000;

function readPage(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function rangeLabel(filters: AuditFilters, range: { from: Date; to: Date }): string {
  const preset = RANGE_PRESETS.find((p) => p.value === filters.range);
  return preset ? preset.label.toLowerCase() : `${range.from.toLocaleString()} to ${range.to.toLocaleString()}`;
}

/**
 * The audit trail: filtered by time range, client, outcome and category or resource type, with a chart of requests
 * and denials over the range, a detail view per record, and the filtered records as CSV. Filters and page live in the
 * URL; the range is fixed when the filters are applied (or refreshed), so the table, the chart and the export agree.
 */
export function AuditPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const page = readPage(params.get('page'));
  const [now, setNow] = useState(() => Date.now());
  const range = useMemo(() => resolveRange(filters, now), [JSON.stringify(filters), now]);
  const query = useMemo(() => toAuditQuery(filters, range), [JSON.stringify(filters), range]);
  const bucketList = useMemo(() => buckets(range.from, range.to, bucketCount(filters)), [range, filters.range]);

  const records = useAuditPage(query, page);
  const chart = useAuditChart(query, bucketList);
  const [selected, setSelected] = useState<AuditRecord | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const exporting = useMutation({
    mutationFn: () => listAllAudit(api, query, EXPORT_CAP),
    onSuccess: ({ items, total, truncated }) => {
      const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[:T]/g, '-');
      downloadText(`audit-${stamp(range.from)}-to-${stamp(range.to)}.csv`, toCsv(items));
      setNotice(
        truncated
          ? `Exported the newest ${items.length} of ${total} records.`
          : `Exported ${items.length} ${items.length === 1 ? 'record' : 'records'}.`,
      );
    },
  });

  const apply = (next: AuditFilters) => {
    setNow(Date.now());
    setParams(
      new URLSearchParams(
        Object.entries(filtersToParams(next)).filter((e): e is [string, string] => e[1] !== undefined),
      ),
    );
  };
  const goTo = (p: number) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (p > 1) next.set('page', String(p));
      else next.delete('page');
      return next;
    });

  const total = records.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const first = (page - 1) * AUDIT_PAGE_SIZE + 1;
  const last = first - 1 + (records.data?.items.length ?? 0);

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every token request, FHIR interaction, registration and administrative change, newest first."
        actions={
          <>
            <Button variant="default" onClick={() => setNow(Date.now())}>
              Refresh
            </Button>
            <Button
              variant="light"
              onClick={() => exporting.mutate()}
              loading={exporting.isPending}
              disabled={!records.isSuccess || total === 0}
            >
              Export CSV
            </Button>
          </>
        }
      />
      <Stack gap="md">
        <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
          <AuditFiltersForm applied={filters} onApply={apply} />
        </Paper>

        {notice && (
          <Notice tone="success" onClose={() => setNotice(null)}>
            {notice}
          </Notice>
        )}
        {exporting.isError && (
          <Notice tone="error" title="Could not export the records" onClose={() => exporting.reset()}>
            {errorMessage(exporting.error)}
          </Notice>
        )}

        <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
          {chart.error ? (
            <ErrorState title="Could not draw the chart" error={chart.error} onRetry={chart.refetch} />
          ) : chart.data ? (
            <AuditChart buckets={chart.data} caption={`Requests and denials, ${rangeLabel(filters, range)}`} />
          ) : (
            <Box role="status" aria-live="polite">
              <Text size="sm" c="dimmed" mb="xs">
                Counting requests…
              </Text>
              <Skeleton height={200} />
            </Box>
          )}
        </Paper>

        <QueryStates query={records} loading="Loading audit records…" failed="Could not load the audit trail">
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState
                py="xl"
                title="No matching records"
                description="Nothing was recorded for these filters. Widen the time range or clear a filter."
              />
            ) : (
              <>
                <Box aria-busy={records.isFetching}>
                  <AuditTable records={data.items} onOpen={setSelected} />
                </Box>
                <Group justify="space-between" gap="sm" wrap="wrap">
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {first}–{last} of {total} {total === 1 ? 'record' : 'records'}
                  </Text>
                  <Box component="nav" aria-label="Audit pages">
                    <Pagination
                      total={pages}
                      value={Math.min(page, pages)}
                      onChange={goTo}
                      hideWithOnePage
                      size="sm"
                      siblings={1}
                      getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                      getControlProps={(control) => ({
                        'aria-label': `${control[0].toUpperCase()}${control.slice(1)} page`,
                      })}
                    />
                  </Box>
                </Group>
              </>
            )
          }
        </QueryStates>
      </Stack>
      <AuditDetailDrawer record={selected} onClose={() => setSelected(null)} />
    </>
  );
}
