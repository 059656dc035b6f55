import { createHash, randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import { decodeJwt } from 'jose';
import { In, Repository } from 'typeorm';
import { AuthorizationCodeEntity } from '../../src/auth/authorize/authorization-code.entity';
import { LaunchContextEntity } from '../../src/auth/authorize/launch-context.entity';
import {
  AuthHousekeepingService,
  EXPIRED_RECORD_RETENTION_MS,
} from '../../src/auth/housekeeping/auth-housekeeping.service';
import { IssuedTokenEntity } from '../../src/auth/tokens/issued-token.entity';
import { RefreshTokenEntity } from '../../src/auth/tokens/refresh-token.entity';
import { basic, createClient, createTestApp, databases, getToken, TestApp } from '../support/test-app';
import { exchange, issueCode, personClient, tokenRequest } from './person-fixtures';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const longAgo = () => new Date(Date.now() - EXPIRED_RECORD_RETENTION_MS - 3600_000);

describe.each(databases())('expired authorization records are deleted (%s)', (db) => {
  let t: TestApp;
  let issued: Repository<IssuedTokenEntity>;
  let refresh: Repository<RefreshTokenEntity>;
  let codes: Repository<AuthorizationCodeEntity>;
  let launches: Repository<LaunchContextEntity>;

  beforeAll(async () => {
    t = await createTestApp(db);
    issued = t.app.get(getRepositoryToken(IssuedTokenEntity));
    refresh = t.app.get(getRepositoryToken(RefreshTokenEntity));
    codes = t.app.get(getRepositoryToken(AuthorizationCodeEntity));
    launches = t.app.get(getRepositoryToken(LaunchContextEntity));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('deletes tokens, refresh tokens, codes and launches a day after they expired, and nothing still in use', async () => {
    const backend = await createClient(t, 'system/*.read');
    const live = await getToken(t, backend);
    const liveJti = decodeJwt(live).jti!;
    const recentlyExpiredJti = decodeJwt(await getToken(t, backend)).jti!;
    const oldJti = decodeJwt(await getToken(t, backend)).jti!;
    await issued.update({ jti: recentlyExpiredJti }, { expiresAt: new Date(Date.now() - 3600_000) });
    await issued.update({ jti: oldJti }, { expiresAt: longAgo() });

    // A person's grant: one refresh token that lapsed long ago, one still valid; an unused code long expired.
    const app = await personClient(t, 'openid offline_access user/*.read');
    const first = await exchange(
      t,
      app,
      await issueCode(t, { clientId: app.client_id, scope: 'openid offline_access user/*.read' }),
    ).expect(200);
    const second = await exchange(
      t,
      app,
      await issueCode(t, { clientId: app.client_id, scope: 'openid offline_access user/*.read' }),
    ).expect(200);
    await refresh.update({ tokenHash: sha256(first.body.refresh_token) }, { expiresAt: longAgo() });
    const stale = await issueCode(t, { clientId: app.client_id, scope: 'openid user/*.read' });
    await codes.update({ codeHash: sha256(stale.code) }, { expiresAt: longAgo() });

    const launchHash = sha256(randomUUID());
    await launches.insert({
      launchHash,
      clientId: app.client_id,
      patient: 'pat-1',
      encounter: null,
      createdBy: 'test-admin',
      expiresAt: longAgo(),
      usedAt: null,
    });

    const swept = await t.app.get(AuthHousekeepingService).sweep();
    expect(swept).toEqual({ issued_tokens: 1, refresh_tokens: 1, authorization_codes: 1, launch_contexts: 1 });

    expect(await issued.countBy({ jti: In([oldJti]) })).toBe(0);
    expect(await issued.countBy({ jti: In([liveJti, recentlyExpiredJti]) })).toBe(2);
    expect(await refresh.countBy({ tokenHash: sha256(first.body.refresh_token) })).toBe(0);
    expect(await codes.countBy({ codeHash: sha256(stale.code) })).toBe(0);
    expect(await launches.countBy({ launchHash })).toBe(0);

    // What is still in use works as before: the live token reads FHIR and introspects active, the live refresh
    // token refreshes; the lapsed one is refused as any unknown refresh token is.
    await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${live}`).expect(200);
    const introspected = await t.http
      .post('/auth/introspect')
      .set('Authorization', basic(backend.client_id, backend.client_secret))
      .type('form')
      .send({ token: live })
      .expect(200);
    expect(introspected.body.active).toBe(true);
    const refreshed = await tokenRequest(t, app, {
      grant_type: 'refresh_token',
      refresh_token: second.body.refresh_token,
    }).expect(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
    const lapsed = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(lapsed.status).toBe(400);
    expect(lapsed.body.error).toBe('invalid_grant');
  });

  it('deletes a backlog larger than one batch in one sweep, and a second sweep finds nothing', async () => {
    const expiresAt = longAgo();
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      jti: `backlog-${i}-${randomUUID()}`,
      kind: 'access',
      clientId: 'backlog-client',
      scope: 'system/*.read',
      patient: null,
      kid: 'old',
      issuedAt: new Date(expiresAt.getTime() - 3600_000),
      expiresAt,
      grantId: null,
      revokedAt: null,
    }));
    for (let i = 0; i < rows.length; i += 500) await issued.insert(rows.slice(i, i + 500));

    const swept = await t.app.get(AuthHousekeepingService).sweep();
    expect(swept.issued_tokens).toBe(2500);
    expect(await issued.countBy({ clientId: 'backlog-client' })).toBe(0);
    expect((await t.app.get(AuthHousekeepingService).sweep()).issued_tokens).toBe(0);
  });
});
