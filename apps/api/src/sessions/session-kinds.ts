import type { SessionKind } from './session.service';

/** A working day: long enough for an integrator's session, short enough that a forgotten tab ends. */
export const DEVELOPER_SESSION_TTL_SECONDS = 8 * 3600;
/** A person's sign-in at the authorization server (the SMART launch's sign-in page); a cookie, not a bearer token. */
export const END_USER_SESSION_TTL_SECONDS = 8 * 3600;

/** Administrators' dashboard sessions (`Authorization: Bearer`); their lifetime is ADMIN_SESSION_TTL_SECONDS. */
export function adminSessionKind(ttlSeconds: number): SessionKind {
  return { kind: 'admin_session', typ: 'admin-session+jwt', audiencePath: '/api', ttlSeconds };
}

/** Developer-portal sessions (`Authorization: Bearer`). */
export const PORTAL_SESSION: SessionKind = {
  kind: 'portal_session',
  typ: 'developer-session+jwt',
  audiencePath: '/portal',
  ttlSeconds: DEVELOPER_SESSION_TTL_SECONDS,
};

/** End users' sign-in sessions at the authorization endpoint (an HttpOnly cookie). */
export const END_USER_SESSION: SessionKind = {
  kind: 'user_session',
  typ: 'user-session+jwt',
  audiencePath: '/auth',
  ttlSeconds: END_USER_SESSION_TTL_SECONDS,
};
