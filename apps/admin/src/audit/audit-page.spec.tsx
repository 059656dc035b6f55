import type { AuditRecord } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch, type StubbedCall } from '../test/fetch-stub';
import { anAuditRecord } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/audit', signedInAs: 'admin' };

/** Records spread over the last hours: every third one denied. */
function trail(count: number, now = Date.now()): AuditRecord[] {
  return Array.from({ length: count }, (_, i) =>
    anAuditRecord({
      id: `rec-${String(i).padStart(4, '0')}`,
      recorded_at: new Date(now - (i + 1) * 60_000).toISOString(),
      outcome: i % 3 === 0 ? 'denied' : 'success',
      status: i % 3 === 0 ? 401 : 200,
      reason: i % 3 === 0 ? 'invalid_client_credentials' : null,
      client_id: i % 2 === 0 ? 'lab' : 'patient-access',
      request_id: `req-${i}`,
    }),
  );
}

/** GET /api/audit as the server answers it: filtered, newest first, paged. */
function auditServer(records: AuditRecord[]) {
  return (call: StubbedCall) => {
    const q = call.url.searchParams;
    const from = q.get('from');
    const to = q.get('to');
    const matching = records.filter(
      (r) =>
        (!q.get('client_id') || r.client_id === q.get('client_id')) &&
        (!q.get('outcome') || r.outcome === q.get('outcome')) &&
        (!q.get('type') || r.category === q.get('type') || r.resource_type === q.get('type')) &&
        (!from || r.recorded_at >= from) &&
        (!to || r.recorded_at < to),
    );
    const page = Number(q.get('page') ?? 1);
    const limit = Number(q.get('limit') ?? 50);
    return jsonResponse({ items: matching.slice((page - 1) * limit, page * limit), total: matching.length });
  };
}

describe('Audit page', () => {
  it('shows the newest records, the chart of requests and denials, and pages', async () => {
    const records = trail(60);
    stubFetch(fakeApi({ 'GET /api/audit': auditServer(records) }));
    const { user } = renderApp(<AppRoutes />, signedIn);

    const table = await screen.findByRole('table', { name: 'Audit records' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByText('1–50 of 60 records')).toBeInTheDocument();

    const chart = await screen.findByRole('img', {
      name: /^Requests and denials, last 24 hours: 60 requests, 20 denied$/,
    });
    expect(chart.querySelectorAll('rect')).toHaveLength(48);
    // The same numbers for screen readers, as a table.
    expect(screen.getByRole('table', { name: 'Requests and denials, last 24 hours' })).toBeInTheDocument();

    await user.click(
      within(screen.getByRole('navigation', { name: 'Audit pages' })).getByRole('button', { name: 'Page 2' }),
    );
    expect(await screen.findByText('51–60 of 60 records')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/audit?page=2');
  });

  it('applies the filters to the table, the chart and the URL', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/audit': auditServer(trail(30)) }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByRole('table', { name: 'Audit records' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Outcome' }), 'denied');
    await user.type(screen.getByRole('textbox', { name: 'Client ID' }), 'lab');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Time range' }), '1h');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/audit?range=1h&client_id=lab&outcome=denied'),
    );
    expect(await screen.findByText('1–5 of 5 records')).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: /last hour: 5 requests, 5 denied$/ })).toBeInTheDocument();
    const tableQuery = calls.filter((c) => c.url.searchParams.get('limit') === '50').at(-1)!.url.searchParams;
    expect(tableQuery.get('client_id')).toBe('lab');
    expect(tableQuery.get('outcome')).toBe('denied');
    expect(Date.parse(tableQuery.get('to')!) - Date.parse(tableQuery.get('from')!)).toBe(3_600_000);
  });

  it('checks a custom range beside its fields before asking the server', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/audit': auditServer([]) }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByText('No matching records');
    const before = calls.length;

    await user.selectOptions(screen.getByRole('combobox', { name: 'Time range' }), 'custom');
    await user.type(screen.getByLabelText(/^From/), '2025-03-02T10:00');
    await user.type(screen.getByLabelText(/^To/), '2025-03-01T10:00');
    await user.type(screen.getByRole('combobox', { name: 'Category or resource type' }), 'not a type');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    expect(screen.getByLabelText(/^To/)).toHaveAccessibleDescription('The end must be after the start');
    expect(screen.getByLabelText(/^To/)).toHaveFocus();
    expect(screen.getByRole('combobox', { name: 'Category or resource type' })).toHaveAccessibleDescription(
      expect.stringMatching(/^Enter a category/),
    );
    expect(calls.length).toBe(before);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/audit$/);
  });

  it('shows every field of a record in a detail view', async () => {
    stubFetch(
      fakeApi({
        'GET /api/audit': auditServer([
          anAuditRecord({
            recorded_at: new Date(Date.now() - 60_000).toISOString(),
            action: 'token.revoke',
            category: 'admin',
            actor: 'root-admin',
            resource_id: 'jti-42',
            client_id: null,
          }),
        ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: /^Details of token\.revoke at / }));
    const drawer = screen.getByRole('dialog', { name: 'Audit record' });
    expect(within(drawer).getByText('jti-42')).toBeInTheDocument();
    expect(within(drawer).getByText('req-1')).toBeInTheDocument();
    expect(within(drawer).getByText('root-admin')).toBeInTheDocument();
    await user.click(within(drawer).getByRole('button', { name: 'Close details' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  describe('CSV export', () => {
    let blobs: Blob[];
    beforeEach(() => {
      blobs = [];
      URL.createObjectURL = vi.fn((blob: Blob) => {
        blobs.push(blob);
        return 'blob:audit';
      });
      URL.revokeObjectURL = vi.fn();
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    });
    afterEach(() => {
      Reflect.deleteProperty(URL, 'createObjectURL');
      Reflect.deleteProperty(URL, 'revokeObjectURL');
    });

    it('downloads every record of the filter, page after page', async () => {
      const { calls } = stubFetch(fakeApi({ 'GET /api/audit': auditServer(trail(1200)) }));
      const { user } = renderApp(<AppRoutes />, { ...signedIn, path: '/audit?range=7d' });
      await screen.findByRole('table', { name: 'Audit records' });

      await user.click(screen.getByRole('button', { name: 'Export CSV' }));

      expect(await screen.findByText('Exported 1200 records.')).toBeInTheDocument();
      const pages = calls
        .filter((c) => c.url.searchParams.get('limit') === '1000')
        .map((c) => c.url.searchParams.get('page'));
      expect(pages).toEqual(['1', '2']);
      const lines = (await blobs[0].text()).trim().split('\r\n');
      expect(lines).toHaveLength(1201);
      expect(lines[1]).toMatch(/^rec-0000,/);
      expect(HTMLAnchorElement.prototype.click).toHaveBeenCalledTimes(1);
    });

    it('says when the export failed', async () => {
      let exportCalls = 0;
      stubFetch(
        fakeApi({
          'GET /api/audit': (call: StubbedCall) =>
            call.url.searchParams.get('limit') === '1000' && ++exportCalls > 0
              ? problemResponse(503, 'Service Unavailable', 'Database busy')
              : auditServer(trail(3))(call),
        }),
      );
      const { user } = renderApp(<AppRoutes />, signedIn);
      await screen.findByRole('table', { name: 'Audit records' });

      await user.click(screen.getByRole('button', { name: 'Export CSV' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('Could not export the records');
      expect(alert).toHaveTextContent('Database busy');
      expect(blobs).toEqual([]);
    });
  });

  it('has loading, empty and error states', async () => {
    stubFetch(never);
    const first = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('Loading audit records…')).toBeInTheDocument();
    expect(screen.getByText('Counting requests…')).toBeInTheDocument();
    first.unmount();

    stubFetch(fakeApi({ 'GET /api/audit': auditServer([]) }));
    const second = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('No matching records')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
    second.unmount();

    let fail = true;
    stubFetch(
      fakeApi({
        'GET /api/audit': (call: StubbedCall) =>
          fail ? problemResponse(500, 'Internal Server Error', 'Audit table unavailable') : auditServer(trail(2))(call),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    expect(screen.getByText('Could not load the audit trail')).toBeInTheDocument();
    expect(screen.getByText('Could not draw the chart')).toBeInTheDocument();
    fail = false;
    await user.click(within(screen.getAllByRole('alert')[1]).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Audit records' })).toBeInTheDocument();
  });
});
