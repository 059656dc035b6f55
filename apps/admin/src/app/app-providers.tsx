import { MantineProvider } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { SessionProvider } from '../auth/session-context';
import { PortalSessionProvider } from '../portal/portal-session';
import { theme } from './theme';

interface AppProvidersProps {
  queryClient: QueryClient;
  children: ReactNode;
  /** 'test' turns off Mantine's transitions and portals. */
  env?: 'default' | 'test';
}

/** Everything a page needs around it, except the router (the app and the tests each bring their own). */
export function AppProviders({ queryClient, children, env = 'default' }: AppProvidersProps) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <PortalSessionProvider>{children}</PortalSessionProvider>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
