import type { LoginResponse } from '@ccri/contracts';

/** The signed-in administrator, kept in sessionStorage so it ends with the browser tab. */
export interface Session {
  token: string;
  username: string;
  /** Epoch milliseconds after which the token is no longer accepted. */
  expiresAt: number;
}

const KEY = 'ccri.admin.session';

export function sessionFromLogin(username: string, login: LoginResponse, now = Date.now()): Session {
  return { token: login.access_token, username, expiresAt: now + login.expires_in * 1000 };
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.token === 'string' && typeof v.username === 'string' && typeof v.expiresAt === 'number';
}

/** The stored session, or null when there is none, it is unreadable or it has expired. */
export function loadSession(storage: Storage = sessionStorage, now = Date.now()): Session | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(KEY) ?? 'null');
  } catch {
    parsed = null;
  }
  if (!isSession(parsed) || parsed.expiresAt <= now) {
    storage.removeItem(KEY);
    return null;
  }
  return parsed;
}

export function saveSession(session: Session, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}
