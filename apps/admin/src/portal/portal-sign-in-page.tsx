import { Alert, Anchor, Text } from '@mantine/core';
import { Link, Navigate, useLocation, useNavigate, type Location } from 'react-router';
import { FederatedSignIn } from '../federation/federated-sign-in';
import { exchangePortalCode } from '../federation/federation-api';
import { PortalAuthFrame } from './portal-auth-frame';
import { SignInForm } from './portal-auth-forms';
import { portalSessionFrom, usePortalApi, usePortalSession } from './portal-session';

function returnPath(state: unknown): string {
  const from = (state as { from?: Partial<Location> } | null)?.from;
  if (!from?.pathname?.startsWith('/portal/') || from.pathname === '/portal/login') return '/portal/clients';
  return `${from.pathname}${from.search ?? ''}`;
}

export function PortalSignInPage() {
  const { session, endedBecause, signIn } = usePortalSession();
  const location = useLocation();
  const navigate = useNavigate();
  const api = usePortalApi();
  const target = returnPath(location.state);
  if (session) return <Navigate to={target} replace />;

  return (
    <PortalAuthFrame title="Sign in" intro="Register and manage the clients your systems use to call the FHIR API.">
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
      <SignInForm
        onSignedIn={(response) => {
          signIn(portalSessionFrom(response));
          navigate(target, { replace: true });
        }}
      />
      <FederatedSignIn
        audience="developers"
        api={api}
        exchange={exchangePortalCode}
        onSignedIn={(response) => signIn(portalSessionFrom(response))}
      />
      <Text size="sm" ta="center">
        New here?{' '}
        <Anchor component={Link} to="/portal/signup">
          Create a developer account
        </Anchor>
      </Text>
    </PortalAuthFrame>
  );
}
