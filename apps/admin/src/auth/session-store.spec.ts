import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, saveSession, sessionFromLogin } from './session-store';

describe('session store', () => {
  it('keeps the token and computes its expiry from expires_in', () => {
    const session = sessionFromLogin('admin', { access_token: 't', token_type: 'Bearer', expires_in: 60 }, 1_000);
    expect(session).toEqual({ token: 't', username: 'admin', expiresAt: 61_000 });

    saveSession(session);
    expect(loadSession(sessionStorage, 60_999)).toEqual(session);
  });

  it('drops an expired session', () => {
    saveSession({ token: 't', username: 'admin', expiresAt: 5_000 });
    expect(loadSession(sessionStorage, 5_000)).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('ignores unreadable storage and forgets the session on sign-out', () => {
    sessionStorage.setItem('ccri.admin.session', '{not json');
    expect(loadSession()).toBeNull();

    saveSession({ token: 't', username: 'admin', expiresAt: Date.now() + 1000 });
    clearSession();
    expect(loadSession()).toBeNull();
  });
});
