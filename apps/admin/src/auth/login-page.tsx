import { Alert, Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link, Navigate, useLocation, useNavigate, type Location } from 'react-router';
import { FederatedSignIn } from '../federation/federated-sign-in';
import { exchangeAdminCode } from '../federation/federation-api';
import { LoginForm } from './login-form';
import { useApi, useSession } from './session-context';
import { sessionFromLogin } from './session-store';

function returnPath(state: unknown): string {
  const from = (state as { from?: Partial<Location> } | null)?.from;
  if (!from?.pathname || from.pathname === '/login') return '/clients';
  return `${from.pathname}${from.search ?? ''}`;
}

export function LoginPage() {
  const { session, endedBecause, signIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const api = useApi();
  const target = returnPath(location.state);
  useDocumentTitle('Sign in · CCRI Admin');

  if (session) return <Navigate to={target} replace />;

  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" radius="md" p={{ base: 'lg', sm: 'xl' }} w="100%" maw={420} component="main">
        <Stack gap="lg">
          <div>
            <Title order={1} size="h2">
              CCRI Admin
            </Title>
            <Text c="dimmed" size="sm">
              Sign in to manage OAuth clients, scopes and tokens.
            </Text>
          </div>
          {endedBecause === 'expired' && (
            <Alert color="yellow" variant="light" role="status" title="Session expired">
              Your session has expired. Please sign in again.
            </Alert>
          )}
          {endedBecause === 'signed-out' && (
            <Alert color="blue" variant="light" role="status">
              You have signed out.
            </Alert>
          )}
          <LoginForm
            onSignedIn={(next) => {
              signIn(next);
              navigate(target, { replace: true });
            }}
          />
          <FederatedSignIn
            audience="admins"
            api={api}
            exchange={exchangeAdminCode}
            onSignedIn={(response) => signIn(sessionFromLogin(response.username, response))}
          />
          <Text size="sm" ta="center" c="dimmed">
            Registering your own system?{' '}
            <Anchor component={Link} to="/portal/login">
              Use the developer portal
            </Anchor>
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
