import type { LoginResponse } from '@ccri/contracts';

/** What every stored session has: the bearer token and when it stops being accepted. */
export interface StoredSession {
  token: string;
  /** Epoch milliseconds after which the token is no longer accepted. */
  expiresAt: number;
}

/** The signed-in administrator, kept in sessionStorage so it ends with the browser tab. */
export interface Session extends StoredSession {
  username: string;
}

export interface SessionStore<S extends StoredSession> {
  /** The stored session, or null when there is none, it is unreadable or it has expired. */
  load(storage?: Storage, now?: number): S | null;
  save(session: S, storage?: Storage): void;
  clear(storage?: Storage): void;
}

/** A session kept under `key` in sessionStorage; `hasShape` checks the fields beyond token and expiry. */
export function createSessionStore<S extends StoredSession>(
  key: string,
  hasShape: (value: Record<string, unknown>) => boolean,
): SessionStore<S> {
  const isSession = (value: unknown): value is S => {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.token === 'string' && typeof v.expiresAt === 'number' && hasShape(v);
  };
  return {
    load(storage = sessionStorage, now = Date.now()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(storage.getItem(key) ?? 'null');
      } catch {
        parsed = null;
      }
      if (!isSession(parsed) || parsed.expiresAt <= now) {
        storage.removeItem(key);
        return null;
      }
      return parsed;
    },
    save(session, storage = sessionStorage) {
      storage.setItem(key, JSON.stringify(session));
    },
    clear(storage = sessionStorage) {
      storage.removeItem(key);
    },
  };
}

/** Epoch milliseconds at which a token that lives `expiresIn` seconds from `now` expires. */
export function expiryOf(login: Pick<LoginResponse, 'expires_in'>, now = Date.now()): number {
  return now + login.expires_in * 1000;
}

export function sessionFromLogin(username: string, login: LoginResponse, now = Date.now()): Session {
  return { token: login.access_token, username, expiresAt: expiryOf(login, now) };
}

export const adminSessionStore = createSessionStore<Session>(
  'ccri.admin.session',
  (v) => typeof v.username === 'string',
);
export const loadSession = adminSessionStore.load;
export const saveSession = adminSessionStore.save;
export const clearSession = adminSessionStore.clear;
