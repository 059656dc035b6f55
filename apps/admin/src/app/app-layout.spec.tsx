import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { AppRoutes } from './app-routes';

describe('Dashboard frame', () => {
  it('links every page and marks the current one', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': [] }));
    renderApp(<AppRoutes />, { path: '/scopes', signedInAs: 'admin' });

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual([
      'Clients',
      'Users',
      'Scopes',
      'Tokens and keys',
      'Audit',
      'Bulk exports',
      'Registration',
      'Sign-in providers',
    ]);
    expect(within(nav).getByRole('link', { name: 'Scopes' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main');
    // The page's heading takes the focus, so a keyboard or screen reader user starts at the new page.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Scopes' })).toHaveFocus());
    expect(document.title).toBe('Scopes · CCRI Admin');
  });

  it('folds the navigation behind a menu button that opens and closes it', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': [], 'GET /api/audit': { items: [], total: 0 } }));
    const { user } = renderApp(<AppRoutes />, { path: '/scopes', signedInAs: 'admin' });

    const burger = await screen.findByRole('button', { name: 'Open navigation' });
    expect(burger).toHaveAttribute('aria-expanded', 'false');
    await user.click(burger);
    expect(screen.getByRole('button', { name: 'Close navigation' })).toHaveAttribute('aria-expanded', 'true');
    const navs = screen.getAllByRole('navigation', { name: 'Main' });
    expect(navs).toHaveLength(2);

    await user.click(within(navs[1]).getByRole('link', { name: 'Audit' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Audit' })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Open navigation' })).toHaveAttribute('aria-expanded', 'false'),
    );
  });

  it('shows a page-not-found for an unknown address', async () => {
    stubFetch(fakeApi({}));
    renderApp(<AppRoutes />, { path: '/nowhere', signedInAs: 'admin' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
  });
});
