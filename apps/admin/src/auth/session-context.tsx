import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient } from '../api/api-client';
import { logout } from './auth-api';
import { clearSession, loadSession, saveSession, type Session } from './session-store';

/** Why the last session ended, so the sign-in page can say so. */
export type SignOutReason = 'signed-out' | 'expired';

export interface SessionState {
  session: Session | null;
  /** Set when the previous session ended; cleared by the next sign-in. */
  endedBecause: SignOutReason | null;
  signIn: (session: Session) => void;
  signOut: (reason?: SignOutReason) => void;
  /** Calls the management API with this session's token; a 401 ends the session. */
  api: ApiClient;
}

const SessionContext = createContext<SessionState | null>(null);

// setTimeout stores its delay in a signed 32-bit integer.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [endedBecause, setEndedBecause] = useState<SignOutReason | null>(null);
  const tokenRef = useRef<string | null>(session?.token ?? null);
  tokenRef.current = session?.token ?? null;

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setEndedBecause(null);
    setSession(next);
  }, []);

  const signOut = useCallback(
    (reason: SignOutReason = 'signed-out') => {
      const token = tokenRef.current;
      if (reason === 'signed-out' && token) {
        // Revoke the token on the server too; best effort, since the browser forgets it either way.
        void logout(new ApiClient({ getToken: () => token, onUnauthorized: () => {} })).catch(() => undefined);
      }
      clearSession();
      tokenRef.current = null;
      setSession(null);
      setEndedBecause(reason);
      // Nothing the previous administrator loaded may outlive the session.
      queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => signOut('expired'), Math.min(Math.max(session.expiresAt - Date.now(), 0), MAX_TIMEOUT_MS));
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const api = useMemo(
    () => new ApiClient({ getToken: () => tokenRef.current, onUnauthorized: () => signOut('expired') }),
    [signOut],
  );

  const value = useMemo(() => ({ session, endedBecause, signIn, signOut, api }), [session, endedBecause, signIn, signOut, api]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession must be used inside <SessionProvider>');
  return state;
}

/** The management API client of the current session. */
export function useApi(): ApiClient {
  return useSession().api;
}
