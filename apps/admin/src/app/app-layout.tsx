import { Anchor, AppShell, Box, Button, Container, Group, Text } from '@mantine/core';
import { NavLink, Outlet } from 'react-router';
import { useSession } from '../auth/session-context';
import classes from './app-layout.module.css';

const NAV_ITEMS = [{ to: '/clients', label: 'Clients' }] as const;

/** The frame of every signed-in page: skip link, header with navigation and sign-out, then the page. */
export function AppLayout() {
  const { session, signOut } = useSession();

  return (
    <AppShell header={{ height: 60 }} padding={{ base: 'sm', sm: 'md' }}>
      <a href="#main" className={classes.skipLink}>
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', sm: 'md' }} justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Text fw={700} size="lg" component="span">
              CCRI Admin
            </Text>
            <Box component="nav" aria-label="Main">
              <Group gap="xs" wrap="nowrap">
                {NAV_ITEMS.map((item) => (
                  <Anchor key={item.to} component={NavLink} to={item.to} className={classes.navLink}>
                    {item.label}
                  </Anchor>
                ))}
              </Group>
            </Box>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {session && (
              <Text size="sm" c="dimmed" visibleFrom="sm">
                Signed in as <strong>{session.username}</strong>
              </Text>
            )}
            <Button variant="default" size="xs" onClick={() => signOut('signed-out')}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="xl" px={0}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
