import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { aClient } from '../test/client-fixture';
import { fakeApi } from '../test/fake-api';
import { problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { DeleteClientModal } from './delete-client-modal';

function setup(answer: () => Response = () => new Response(null, { status: 204 })) {
  const server = stubFetch(fakeApi({ 'DELETE /api/clients/:id': answer }));
  const onClose = vi.fn();
  const onDeleted = vi.fn();
  const client = aClient();
  const { user } = renderApp(<DeleteClientModal client={client} onClose={onClose} onDeleted={onDeleted} />, {
    signedInAs: 'admin',
  });
  const dialog = screen.getByRole('dialog', { name: 'Delete client' });
  const deletes = () => server.calls.filter((c) => c.method === 'DELETE');
  return { user, dialog, client, onClose, onDeleted, deletes };
}

describe('DeleteClientModal', () => {
  it('names the client it would delete', () => {
    const { dialog } = setup();
    expect(dialog).toHaveTextContent('Delete Patient Access (patient-access)? Its tokens stop working at once.');
  });

  it('deletes the client on confirm, then reports it and closes', async () => {
    const { user, dialog, client, onClose, onDeleted, deletes } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Delete client' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledWith(client));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(deletes().map((c) => c.url.pathname)).toEqual(['/api/clients/patient-access']);
  });

  it('deletes nothing on cancel', async () => {
    const { user, dialog, onClose, onDeleted, deletes } = setup();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onDeleted).not.toHaveBeenCalled();
    expect(deletes()).toEqual([]);
  });

  it('stays open with the failure shown when the server refuses', async () => {
    const { user, dialog, onClose, onDeleted } = setup(() => problemResponse(409, 'Conflict', 'Client in use'));
    await user.click(within(dialog).getByRole('button', { name: 'Delete client' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Could not delete the client');
    expect(onDeleted).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });
});
