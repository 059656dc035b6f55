import type { BulkExportJob } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';

function aJob(overrides: Partial<BulkExportJob> = {}): BulkExportJob {
  return {
    id: '0190d3f2-5b1c-7c3e-9a4e-000000000001',
    client_id: 'registry',
    level: 'system',
    group_id: null,
    status: 'completed',
    request: 'http://localhost:3000/fhir/$export',
    types: [],
    resource_count: 12034,
    file_count: 3,
    progress: 'Completed: 12034 resources in 3 files',
    error: null,
    created_at: '2026-12-06T03:00:00.000Z',
    completed_at: '2026-12-06T03:01:00.000Z',
    expires_at: '2026-12-07T03:01:00.000Z',
    ...overrides,
  };
}

function server(jobs: BulkExportJob[]) {
  return stubFetch(
    fakeApi({
      'GET /api/bulk-exports': (call) => {
        const clientId = call.url.searchParams.get('client_id');
        const items = jobs.filter((j) => !clientId || j.client_id === clientId);
        return jsonResponse({ items, total: items.length });
      },
    }),
  );
}

describe('Bulk exports', () => {
  it('lists export jobs with their status and progress', async () => {
    server([
      aJob({
        id: '0190d3f2-5b1c-7c3e-9a4e-000000000002',
        client_id: 'payer',
        level: 'group',
        group_id: 'diabetics',
        status: 'running',
        types: ['Patient', 'Condition'],
        resource_count: 500,
        file_count: 0,
        progress: 'Exporting Condition: 500 resources written',
        completed_at: null,
        expires_at: null,
      }),
      aJob(),
    ]);
    renderApp(<AppRoutes />, { path: '/exports', signedInAs: 'admin' });

    const table = await screen.findByRole('table', { name: 'Export jobs' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('running')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Exporting Condition: 500 resources written')).toBeInTheDocument();
    expect(within(rows[1]).getByText('diabetics')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Patient, Condition')).toBeInTheDocument();
    expect(within(rows[1]).getByRole('link', { name: 'payer' })).toHaveAttribute('href', '/clients/payer');
    expect(within(rows[2]).getByText('completed')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Every type the token may read')).toBeInTheDocument();
    expect(within(rows[2]).getByText((12034).toLocaleString())).toBeInTheDocument();
  });

  it("shows one client's jobs when the page is opened for that client, and every client's when cleared", async () => {
    const { calls } = server([
      aJob(),
      aJob({ id: 'other-job', client_id: 'payer', status: 'failed', error: 'The export failed: disk full' }),
    ]);
    const { user } = renderApp(<AppRoutes />, { path: '/exports?client_id=payer', signedInAs: 'admin' });

    const table = await screen.findByRole('table', { name: 'Export jobs' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(within(table).getByText('The export failed: disk full')).toBeInTheDocument();
    expect(calls.some((c) => c.url.searchParams.get('client_id') === 'payer')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Show every client' }));
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Export jobs' })).getAllByRole('row')).toHaveLength(3),
    );
  });

  it('says when a client has no jobs', async () => {
    server([]);
    renderApp(<AppRoutes />, { path: '/exports?client_id=nobody', signedInAs: 'admin' });
    expect(await screen.findByText('This client has no export jobs')).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    stubFetch(
      fakeApi({ 'GET /api/bulk-exports': () => problemResponse(503, 'Service Unavailable', 'Database unavailable') }),
    );
    renderApp(<AppRoutes />, { path: '/exports', signedInAs: 'admin' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load export jobs');
    expect(alert).toHaveTextContent('Database unavailable');
  });
});
