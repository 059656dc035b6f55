import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { aClient } from '../test/client-fixture';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { RejectClientModal } from './reject-client-modal';

function setup(answer?: () => Response) {
  const client = aClient({ status: 'pending', client_name: 'Example App', client_id: 'example-app' });
  const server = stubFetch(
    fakeApi({
      'POST /api/clients/:id/reject': answer ?? (() => jsonResponse({ ...client, status: 'rejected' })),
      'GET /api/clients': { items: [], total: 0 },
    }),
  );
  const onClose = vi.fn();
  const onRejected = vi.fn();
  const { user } = renderApp(<RejectClientModal client={client} onClose={onClose} onRejected={onRejected} />, {
    signedInAs: 'admin',
  });
  const dialog = screen.getByRole('dialog', { name: 'Reject registration' });
  const decisions = () => server.calls.filter((c) => c.method === 'POST');
  return { user, dialog, client, onClose, onRejected, decisions };
}

describe('RejectClientModal', () => {
  it('names the registration it would reject', () => {
    const { dialog } = setup();
    expect(dialog).toHaveTextContent('Reject Example App? It will not be able to request tokens.');
  });

  it('rejects the registration on confirm, then reports it and closes', async () => {
    const { user, dialog, client, onClose, onRejected, decisions } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Reject client' }));
    await waitFor(() => expect(onRejected).toHaveBeenCalledWith(client));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(decisions().map((c) => c.url.pathname)).toEqual(['/api/clients/example-app/reject']);
  });

  it('decides nothing on cancel', async () => {
    const { user, dialog, onClose, onRejected, decisions } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onRejected).not.toHaveBeenCalled();
    expect(decisions()).toEqual([]);
  });

  it('stays open with the failure shown when the server refuses', async () => {
    const { user, dialog, onClose, onRejected } = setup(() => problemResponse(500, 'Internal Server Error'));
    await user.click(within(dialog).getByRole('button', { name: 'Reject client' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Could not reject the client');
    expect(onRejected).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });
});
