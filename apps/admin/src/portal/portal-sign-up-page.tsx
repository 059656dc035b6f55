import { Anchor, Text } from '@mantine/core';
import { Link, Navigate, useNavigate } from 'react-router';
import { PortalAuthFrame } from './portal-auth-frame';
import { SignUpForm } from './portal-auth-forms';
import { portalSessionFrom, usePortalSession } from './portal-session';

export function PortalSignUpPage() {
  const { session, signIn } = usePortalSession();
  const navigate = useNavigate();
  if (session) return <Navigate to="/portal/clients" replace />;

  return (
    <PortalAuthFrame
      title="Create a developer account"
      intro="An account lets you register clients and see only your own."
    >
      <SignUpForm
        onSignedUp={(response) => {
          signIn(portalSessionFrom(response));
          navigate('/portal/clients', { replace: true });
        }}
      />
      <Text size="sm" ta="center">
        Have an account?{' '}
        <Anchor component={Link} to="/portal/login">
          Sign in
        </Anchor>
      </Text>
    </PortalAuthFrame>
  );
}
