import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from './session-context';

/** Routes below this one need a signed-in administrator; anyone else is sent to sign in and brought back after. */
export function RequireSession() {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}
