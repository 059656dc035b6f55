import { Text } from '@mantine/core';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error';
import { renderApp } from '../test/render-app';
import { ConfirmModal } from './confirm-modal';

function renderModal(props: Partial<Parameters<typeof ConfirmModal>[0]> = {}) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  const rendered = renderApp(
    <ConfirmModal
      opened
      title="Revoke token"
      confirmLabel="Revoke"
      onConfirm={onConfirm}
      onCancel={onCancel}
      {...props}
    >
      <Text>Revoke it?</Text>
    </ConfirmModal>,
  );
  return { ...rendered, onConfirm, onCancel, dialog: screen.getByRole('dialog', { name: 'Revoke token' }) };
}

describe('ConfirmModal', () => {
  it('asks, with Cancel focused so Enter never confirms by accident', async () => {
    const { dialog } = renderModal();
    expect(within(dialog).getByText('Revoke it?')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus());
  });

  it('confirm calls the action, and only it', async () => {
    const { user, dialog, onConfirm, onCancel } = renderModal();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it.each([
    [
      'Cancel',
      async (user: ReturnType<typeof renderModal>['user'], dialog: HTMLElement) =>
        user.click(within(dialog).getByRole('button', { name: 'Cancel' })),
    ],
    ['Escape', async (user: ReturnType<typeof renderModal>['user']) => user.keyboard('{Escape}')],
  ])('%s cancels without calling the action', async (_, dismiss) => {
    const { user, dialog, onConfirm, onCancel } = renderModal();
    await dismiss(user, dialog);
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('shows the last failure in the dialog', () => {
    const { dialog } = renderModal({
      error: new ApiError(503, { type: 'about:blank', title: 'Unavailable', status: 503, detail: 'Network down' }),
      errorTitle: 'Could not revoke',
    });
    const alert = within(dialog).getByRole('alert');
    expect(alert).toHaveTextContent('Could not revoke');
    expect(alert).toHaveTextContent('Network down');
  });

  it('says nothing when closed', () => {
    renderApp(
      <ConfirmModal opened={false} title="Revoke token" confirmLabel="Revoke" onConfirm={vi.fn()} onCancel={vi.fn()}>
        <Text>Revoke it?</Text>
      </ConfirmModal>,
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
