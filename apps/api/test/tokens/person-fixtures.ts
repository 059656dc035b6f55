import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuthorizationCodesService } from '../../src/auth/authorize/authorization-codes.service';
import { AuthorizationGrantEntity } from '../../src/auth/authorize/authorization-grant.entity';
import { TokenStoreService } from '../../src/auth/tokens/token-store.service';
import { UsersService } from '../../src/users/users.service';
import { basic, createClient, RegisteredClient, TestApp } from '../support/test-app';

/** What the authorization endpoint would have produced: a person, their consent, a sign-in session and a code. */
export interface PersonFixture {
  userId: string;
  grantId: string;
  sessionId: string;
  code: string;
  verifier: string;
  challenge: string;
  redirectUri: string;
}

export const REDIRECT_URI = 'https://app.example/callback';

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A confidential client allowed the authorization_code and refresh_token grants and `scope`. */
export function personClient(t: TestApp, scope: string): Promise<RegisteredClient> {
  return createClient(t, scope, {
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [REDIRECT_URI],
  });
}

export async function createPerson(
  t: TestApp,
  fhirUser: string,
  extra: { displayName?: string; email?: string } = {},
): Promise<string> {
  const user = await t.app.get(UsersService).create({
    username: `person-${randomBytes(4).toString('hex')}`,
    display_name: extra.displayName ?? 'Jo Bloggs',
    email: extra.email ?? null,
    role: fhirUser.startsWith('Patient/') ? 'patient' : 'practitioner',
    fhir_user: fhirUser,
    password: 'a-long-enough-password-1',
  });
  return user.id;
}

/** A sign-in session on record, as SessionService records one (its jti is what online_access binds to). */
export async function signInSession(t: TestApp, userId: string): Promise<string> {
  const jti = randomUUID();
  const now = Date.now();
  await t.app.get(TokenStoreService).record({
    jti,
    kind: 'user_session',
    clientId: userId,
    scope: 'user_session',
    patient: null,
    kid: 'test',
    issuedAt: new Date(now),
    expiresAt: new Date(now + 3600_000),
  });
  return jti;
}

export interface CodeOptions {
  clientId: string;
  scope: string;
  userId?: string;
  fhirUser?: string;
  patient?: string | null;
  encounter?: string | null;
  nonce?: string | null;
  authTime?: Date;
  grantId?: string;
}

/** Issues a code as the authorization endpoint does, under a new (or the given) grant. */
export async function issueCode(t: TestApp, o: CodeOptions): Promise<PersonFixture> {
  const userId = o.userId ?? (await createPerson(t, o.fhirUser ?? 'Practitioner/p1'));
  const sessionId = await signInSession(t, userId);
  let grantId = o.grantId;
  if (!grantId) {
    grantId = randomUUID();
    const scopes = o.scope.split(' ');
    await t.app.get<Repository<AuthorizationGrantEntity>>(getRepositoryToken(AuthorizationGrantEntity)).insert({
      id: grantId,
      userId,
      clientId: o.clientId,
      scope: o.scope,
      patient: o.patient ?? null,
      encounter: o.encounter ?? null,
      kind: scopes.includes('offline_access') ? 'offline' : scopes.includes('online_access') ? 'online' : 'consent',
      sessionId,
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
  }
  const { verifier, challenge } = pkce();
  const code = await t.app.get(AuthorizationCodesService).issue({
    clientId: o.clientId,
    userId,
    grantId,
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    scope: o.scope,
    patient: o.patient ?? null,
    encounter: o.encounter ?? null,
    nonce: o.nonce ?? null,
    authTime: o.authTime ?? new Date(),
    sessionId,
  });
  return { userId, grantId, sessionId, code, verifier, challenge, redirectUri: REDIRECT_URI };
}

/** POST /auth/token with HTTP Basic client authentication. */
export function tokenRequest(t: TestApp, client: RegisteredClient, form: Record<string, string>) {
  return t.http
    .post('/auth/token')
    .set('Authorization', basic(client.client_id, client.client_secret))
    .type('form')
    .send(form);
}

/** The code exchange (RFC 6749 §4.1.3) with the fixture's redirect_uri and verifier, overridable. */
export function exchange(
  t: TestApp,
  client: RegisteredClient,
  f: PersonFixture,
  override: Record<string, string | undefined> = {},
) {
  const form: Record<string, string> = {};
  const all = {
    grant_type: 'authorization_code',
    code: f.code,
    redirect_uri: f.redirectUri,
    code_verifier: f.verifier,
    ...override,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) form[k] = v;
  return tokenRequest(t, client, form);
}
