import { Anchor, AppShell, Box, Button, Container, Group, Text } from '@mantine/core';
import { NavLink, Outlet } from 'react-router';
import classes from '../app/app-layout.module.css';
import { usePortalSession } from './portal-session';

/** The frame of the signed-in portal: apart from the admin dashboard, with its own navigation and sign-out. */
export function PortalLayout() {
  const { session, signOut } = usePortalSession();

  return (
    <AppShell header={{ height: 60 }} padding={{ base: 'sm', sm: 'md' }}>
      <a href="#main" className={classes.skipLink}>
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', sm: 'md' }} justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="md" wrap="nowrap" style={{ minWidth: 0 }}>
            <Text fw={700} size="lg" component="span" style={{ whiteSpace: 'nowrap' }}>
              <Text span visibleFrom="sm" inherit>
                CCRI Developer Portal
              </Text>
              <Text span hiddenFrom="sm" inherit>
                Portal
              </Text>
            </Text>
            <Box component="nav" aria-label="Portal">
              <Group gap="xs" wrap="nowrap">
                <Anchor component={NavLink} to="/portal/clients" end className={classes.navLink}>
                  My clients
                </Anchor>
              </Group>
            </Box>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {session && (
              <Text size="sm" c="dimmed" visibleFrom="md" truncate="end" maw={260}>
                {session.email}
              </Text>
            )}
            <Button variant="default" size="xs" onClick={() => signOut('signed-out')}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="lg" px={0}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
