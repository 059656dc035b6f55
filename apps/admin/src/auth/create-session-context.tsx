import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient } from '../api/api-client';
import type { SessionStore, StoredSession } from './session-store';

/** Why the last session ended, so the sign-in page can say so. */
export type SignOutReason = 'signed-out' | 'expired';

export interface SessionState<S extends StoredSession> {
  session: S | null;
  /** Set when the previous session ended; cleared by the next sign-in. */
  endedBecause: SignOutReason | null;
  signIn: (session: S) => void;
  signOut: (reason?: SignOutReason) => void;
  /** Calls the API with this session's token; a 401 ends the session. */
  api: ApiClient;
}

export interface SessionKind<S extends StoredSession> {
  /** Names the hooks in error messages. */
  name: string;
  store: SessionStore<S>;
  /** Ends the session on the server (its token is revoked). */
  logout: (api: ApiClient) => Promise<void>;
  /** The cached queries that belong to this session, dropped when it ends. */
  ownsQuery: (key: QueryKey) => boolean;
}

// setTimeout stores its delay in a signed 32-bit integer.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * A kind of signed-in session (administrator, developer): its provider and hooks. The session lives in
 * sessionStorage, ends by itself when its token expires, and ends when the server answers a request with 401.
 */
export function createSessionContext<S extends StoredSession>(kind: SessionKind<S>) {
  const Context = createContext<SessionState<S> | null>(null);

  function Provider({ children }: { children: ReactNode }) {
    const queryClient = useQueryClient();
    const [session, setSession] = useState<S | null>(() => kind.store.load());
    const [endedBecause, setEndedBecause] = useState<SignOutReason | null>(null);
    const tokenRef = useRef<string | null>(session?.token ?? null);
    tokenRef.current = session?.token ?? null;

    const signIn = useCallback((next: S) => {
      kind.store.save(next);
      setEndedBecause(null);
      setSession(next);
    }, []);

    const signOut = useCallback(
      (reason: SignOutReason = 'signed-out') => {
        const token = tokenRef.current;
        if (reason === 'signed-out' && token) {
          // Revoke the token on the server too; best effort, since the browser forgets it either way.
          void kind.logout(new ApiClient({ getToken: () => token, onUnauthorized: () => {} })).catch(() => undefined);
        }
        kind.store.clear();
        tokenRef.current = null;
        setSession(null);
        setEndedBecause(reason);
        // Nothing loaded for this session may outlive it; finished mutations may hold a secret shown once.
        queryClient.removeQueries({ predicate: (query) => kind.ownsQuery(query.queryKey) });
        queryClient.getMutationCache().clear();
      },
      [queryClient],
    );

    useEffect(() => {
      if (!session) return;
      const timer = setTimeout(
        () => signOut('expired'),
        Math.min(Math.max(session.expiresAt - Date.now(), 0), MAX_TIMEOUT_MS),
      );
      return () => clearTimeout(timer);
    }, [session, signOut]);

    const api = useMemo(
      () => new ApiClient({ getToken: () => tokenRef.current, onUnauthorized: () => signOut('expired') }),
      [signOut],
    );

    const value = useMemo(
      () => ({ session, endedBecause, signIn, signOut, api }),
      [session, endedBecause, signIn, signOut, api],
    );
    return <Context.Provider value={value}>{children}</Context.Provider>;
  }

  function useSessionState(): SessionState<S> {
    const state = useContext(Context);
    if (!state) throw new Error(`${kind.name} hooks must be used inside its provider`);
    return state;
  }

  return { Provider, useSession: useSessionState, useApi: () => useSessionState().api };
}
