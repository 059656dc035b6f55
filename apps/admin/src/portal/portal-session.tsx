import type { DeveloperSession } from '@ccri/contracts';
import { createSessionContext } from '../auth/create-session-context';
import { createSessionStore, expiryOf, type StoredSession } from '../auth/session-store';
import { signOutOfPortal } from './portal-api';

/** A signed-in integrator, kept in sessionStorage apart from any administrator session. */
export interface PortalSession extends StoredSession {
  developerId: string;
  email: string;
  name: string;
}

export const portalSessionStore = createSessionStore<PortalSession>(
  'ccri.portal.session',
  (v) => typeof v.developerId === 'string' && typeof v.email === 'string' && typeof v.name === 'string',
);

export function portalSessionFrom(session: DeveloperSession, now = Date.now()): PortalSession {
  return {
    token: session.access_token,
    expiresAt: expiryOf(session, now),
    developerId: session.developer.id,
    email: session.developer.email,
    name: session.developer.name,
  };
}

/** The developer portal's session. Its cached queries are those under the `portal` key. */
const portal = createSessionContext<PortalSession>({
  name: 'Portal session',
  store: portalSessionStore,
  logout: signOutOfPortal,
  ownsQuery: (key) => key[0] === 'portal',
});

export const PortalSessionProvider = portal.Provider;
export const usePortalSession = portal.useSession;
/** The API client of the signed-in integrator. */
export const usePortalApi = portal.useApi;
