import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { AppProviders } from './app-providers';
import { AppRoutes } from './app-routes';
import { createQueryClient } from './query-client';

/** The API serves the dashboard under /admin (DESIGN.md §HTTP surface). */
export const ROUTER_BASENAME = '/admin';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <BrowserRouter basename={ROUTER_BASENAME}>
      <AppProviders queryClient={queryClient}>
        <AppRoutes />
      </AppProviders>
    </BrowserRouter>
  );
}
