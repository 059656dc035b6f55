import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { AppProviders } from '../app/app-providers';
import { createQueryClient } from '../app/query-client';
import { saveSession } from '../auth/session-store';
import { portalSessionStore } from '../portal/portal-session';

interface RenderOptions {
  /** Starting URL inside the app (without the /admin basename). */
  path?: string;
  /** Sign in as this administrator before rendering. */
  signedInAs?: string;
  /** Sign in to the developer portal with this email address before rendering. */
  developer?: string;
  /** Routes to render; a single element is mounted at every path. */
  routes?: { path: string; element: ReactElement }[];
}

/** Shows where the router went, so a test can assert a redirect. */
function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location" hidden>{`${location.pathname}${location.search}`}</div>;
}

export const TEST_TOKEN = 'test-token';
export const PORTAL_TEST_TOKEN = 'portal-test-token';

/** Renders a page inside the app's providers and a memory router, as the browser would. */
export function renderApp(ui: ReactElement, { path = '/', signedInAs, developer, routes }: RenderOptions = {}) {
  if (signedInAs) saveSession({ token: TEST_TOKEN, username: signedInAs, expiresAt: Date.now() + 3_600_000 });
  if (developer) {
    portalSessionStore.save({
      token: PORTAL_TEST_TOKEN,
      developerId: 'dev-1',
      email: developer,
      name: 'Example Health',
      expiresAt: Date.now() + 3_600_000,
    });
  }
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  const user = userEvent.setup();
  const result = render(
    <MemoryRouter initialEntries={[path]}>
      <AppProviders queryClient={queryClient} env="test">
        <Routes>
          {(routes ?? [{ path: '*', element: ui }]).map((r) => (
            <Route key={r.path} path={r.path} element={r.element} />
          ))}
        </Routes>
        <LocationProbe />
      </AppProviders>
    </MemoryRouter>,
  );
  return { ...result, user, queryClient };
}
