import { Anchor, AppShell, Box, Burger, Button, Container, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/session-context';
import classes from './app-layout.module.css';

export const NAV_ITEMS = [
  { to: '/clients', label: 'Clients' },
  { to: '/users', label: 'Users' },
  { to: '/scopes', label: 'Scopes' },
  { to: '/tokens', label: 'Tokens and keys' },
  { to: '/audit', label: 'Audit' },
  { to: '/exports', label: 'Bulk exports' },
  { to: '/settings/registration', label: 'Registration' },
  { to: '/settings/sign-in-providers', label: 'Sign-in providers' },
] as const;

function NavLinks({ direction }: { direction: 'row' | 'column' }) {
  const links = NAV_ITEMS.map((item) => (
    <Anchor key={item.to} component={NavLink} to={item.to} className={classes.navLink}>
      {item.label}
    </Anchor>
  ));
  return direction === 'row' ? (
    <Group gap="xs" wrap="nowrap">
      {links}
    </Group>
  ) : (
    <Stack gap={4}>{links}</Stack>
  );
}

/**
 * The frame of every signed-in page: skip link, header with navigation and sign-out, then the page. On narrow
 * screens the navigation folds behind a menu button.
 */
export function AppLayout() {
  const { session, signOut } = useSession();
  const [menuOpen, menu] = useDisclosure(false);
  const { pathname } = useLocation();

  // A link followed from the folded menu closes it.
  useEffect(() => menu.close(), [pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'md', collapsed: { mobile: !menuOpen, desktop: true } }}
      padding={{ base: 'sm', sm: 'md' }}
    >
      <a href="#main" className={classes.skipLink}>
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', sm: 'md' }} justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Burger
              opened={menuOpen}
              onClick={menu.toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={menuOpen ? 'Close navigation' : 'Open navigation'}
              aria-expanded={menuOpen}
              aria-controls="main-navigation"
            />
            <Text fw={700} size="lg" component="span" style={{ whiteSpace: 'nowrap' }}>
              CCRI Admin
            </Text>
            <Box component="nav" aria-label="Main" visibleFrom="md">
              <NavLinks direction="row" />
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
      <AppShell.Navbar p="sm" id="main-navigation" hiddenFrom="md">
        {menuOpen && (
          <Box component="nav" aria-label="Main">
            <NavLinks direction="column" />
          </Box>
        )}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="xl" px={0}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
