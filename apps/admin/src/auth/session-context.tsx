import { logout } from './auth-api';
import { createSessionContext, type SessionState as GenericSessionState } from './create-session-context';
import { adminSessionStore, type Session } from './session-store';

export type { SignOutReason } from './create-session-context';
export type SessionState = GenericSessionState<Session>;

/** The administrator's session. Its cached queries are every query but the developer portal's. */
const admin = createSessionContext<Session>({
  name: 'Admin session',
  store: adminSessionStore,
  logout,
  ownsQuery: (key) => key[0] !== 'portal',
});

export const SessionProvider = admin.Provider;
export const useSession = admin.useSession;
/** The management API client of the current administrator session. */
export const useApi = admin.useApi;
