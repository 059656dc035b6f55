import { Navigate, Outlet, useLocation } from 'react-router';
import { usePortalSession } from './portal-session';

/** Portal routes below this one need a signed-in integrator. */
export function RequirePortalSession() {
  const { session } = usePortalSession();
  const location = useLocation();
  if (!session) return <Navigate to="/portal/login" replace state={{ from: location }} />;
  return <Outlet />;
}
