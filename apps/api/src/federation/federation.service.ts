import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as oidc from 'openid-client';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { FEDERATION_AUDIENCES, type FederationAudience } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { randomBytesPooled } from '../common/crypto/random-pool';
import { KeyEncryption } from '../auth/keys/key-encryption';
import { cookie, InteractionService, safeEqual, SESSION_COOKIE } from '../auth/authorize/interaction.service';
import { SessionService } from '../sessions/session.service';
import { END_USER_SESSION } from '../sessions/session-kinds';
import { UsersService } from '../users/users.service';
import { DevelopersService } from '../developers/developers.service';
import { AdminUsersService } from '../admin-users/admin-users.service';
import { ExternalIdentityEntity, type LocalAccountKind } from './external-identity.entity';
import { FederationLoginEntity } from './federation-login.entity';
import { IdentityProvidersService, type ResolvedProvider } from './identity-providers.service';

/** How long a person has between leaving for the provider and coming back. */
export const FEDERATION_LOGIN_TTL_SECONDS = 600;
/** How long the portal or dashboard has to exchange its one-time code for a session. */
export const HANDOFF_TTL_SECONDS = 60;
/** Provider HTTP calls (discovery, JWKS, token endpoint) give up after this. */
const PROVIDER_TIMEOUT_SECONDS = 5;
const DISCOVERY_CACHE_MS = 3600_000;

/** One audit record of a federated sign-in step. */
export interface FederationAudit {
  action: string;
  outcome: 'success' | 'denied' | 'error';
  provider: string | null;
  actor?: string | null;
  reason?: string | null;
  client_id?: string | null;
}

/** What the controller sends back. */
export type FederationResult =
  | { kind: 'redirect'; location: string; cookies?: string[] }
  | { kind: 'page'; status: number; title: string; message: string; cookies?: string[] };

/** Raised inside the flow: refused with a page and an audit reason. */
class Refused extends Error {
  constructor(
    readonly reason: string,
    readonly status: number,
    readonly title: string,
    readonly userMessage: string,
    readonly outcome: 'denied' | 'error' = 'denied',
  ) {
    super(reason);
  }
}

const SIGN_IN_FAILED = 'The sign-in could not be completed. Go back and start again.';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function random(): string {
  return randomBytesPooled(32).toString('base64url');
}

/**
 * This server as an OpenID Connect relying party (OpenID Connect Core §3.1, authorization code flow with PKCE):
 * `start` sends the browser to the provider, `callback` checks the answer, links the external identity to a local
 * account and signs it in for the audience it started for (people, developers or administrators).
 */
@Injectable()
export class FederationService {
  private readonly logger = new Logger(FederationService.name);
  private readonly encryption: KeyEncryption;
  private readonly discovered = new Map<string, { key: string; at: number; config: oidc.Configuration }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(FederationLoginEntity) private readonly logins: Repository<FederationLoginEntity>,
    @InjectRepository(ExternalIdentityEntity) private readonly links: Repository<ExternalIdentityEntity>,
    private readonly providers: IdentityProvidersService,
    private readonly interactions: InteractionService,
    private readonly sessions: SessionService,
    private readonly users: UsersService,
    private readonly developers: DevelopersService,
    private readonly admins: AdminUsersService,
  ) {
    this.encryption = new KeyEncryption(config.secretPepper);
  }

  private lastSweep = 0;

  /** Sign-ins abandoned at the provider leave a row; rows an hour past their expiry go, at most once a minute. */
  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    await this.logins.delete({ expiresAt: LessThan(new Date(Date.now() - 3600_000)) });
  }

  private get cookiePath(): string {
    return '/auth/federation';
  }

  /** `GET /auth/federation/{provider}/start?audience=…` (or `?interaction=…` from the SMART sign-in page). */
  async start(
    providerId: string,
    query: Record<string, unknown>,
    csrfCookie: string | undefined,
    audit: (a: FederationAudit) => void,
  ): Promise<FederationResult> {
    try {
      const provider = await this.providers.find(providerId);
      if (!provider)
        throw new Refused(
          'provider_unknown',
          404,
          'Unknown sign-in provider',
          'This sign-in provider is not configured.',
        );
      const interactionToken = typeof query.interaction === 'string' ? query.interaction : undefined;
      const audience = (interactionToken ? 'users' : query.audience) as FederationAudience;
      if (!FEDERATION_AUDIENCES.includes(audience) || !provider.audiences.includes(audience))
        throw new Refused(
          'audience_not_served',
          400,
          'Sign-in not available',
          `${provider.name} cannot be used to sign in here.`,
        );
      if (audience === 'users') {
        // The pending SMART authorization must be ours and bound to this browser (RFC 9700 §4.7).
        const interaction = await this.interactions.verify(interactionToken, csrfCookie);
        if (!interaction)
          throw new Refused(
            'interaction_invalid',
            400,
            'Sign-in expired',
            'This sign-in has expired or was started in another browser. Go back to the app and start again.',
          );
      }
      const config = await this.discover(provider);
      await this.sweep();
      const state = random();
      const nonce = random();
      const verifier = oidc.randomPKCECodeVerifier();
      const bind = random();
      await this.logins.insert({
        stateHash: sha256(state),
        bindHash: sha256(bind),
        providerId: provider.id,
        audience,
        nonce,
        codeVerifier: this.encryption.encrypt(verifier),
        interaction: audience === 'users' ? (interactionToken ?? null) : null,
        expiresAt: new Date(Date.now() + FEDERATION_LOGIN_TTL_SECONDS * 1000),
        consumedAt: null,
        handoffHash: null,
        handoffSubject: null,
      });
      // OpenID Connect Core §3.1.2.1 with RFC 7636 (S256) and RFC 6749 §10.12 (state against CSRF).
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: this.providers.callbackUrl(provider.id),
        scope: provider.scopes,
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      audit({ action: 'federation.start', outcome: 'success', provider: provider.id });
      return { kind: 'redirect', location: url.href, cookies: [this.bindCookie(bind, FEDERATION_LOGIN_TTL_SECONDS)] };
    } catch (e) {
      return this.refusal(e, 'federation.start', providerId, audit);
    }
  }

  /** `GET /auth/federation/{provider}/callback`: OpenID Connect Core §3.1.2.5 and §3.1.3.7. */
  async callback(
    providerId: string,
    currentUrl: URL,
    cookies: { bind?: string; csrf?: string },
    audit: (a: FederationAudit) => void,
  ): Promise<FederationResult> {
    let actor: string | null = null;
    try {
      const state = currentUrl.searchParams.get('state');
      if (!state || state.length > 200) throw new Refused('state_missing', 400, 'Sign-in refused', SIGN_IN_FAILED);
      const login = await this.logins.findOneBy({ stateHash: sha256(state) });
      if (!login || login.providerId !== providerId)
        throw new Refused('state_unknown', 400, 'Sign-in refused', SIGN_IN_FAILED);
      if (!cookies.bind || !safeEqual(sha256(cookies.bind), login.bindHash))
        throw new Refused('state_not_bound_to_browser', 400, 'Sign-in refused', SIGN_IN_FAILED);
      // Usable once: a replayed state (RFC 9700 §4.7) finds it already consumed.
      const consumed = await this.logins.update(
        { stateHash: login.stateHash, consumedAt: IsNull() },
        { consumedAt: new Date() },
      );
      if (!consumed.affected) throw new Refused('state_replayed', 400, 'Sign-in refused', SIGN_IN_FAILED);
      if (login.expiresAt.getTime() < Date.now())
        throw new Refused('state_expired', 400, 'Sign-in expired', SIGN_IN_FAILED);
      const provider = await this.providers.find(providerId);
      if (!provider) throw new Refused('provider_unknown', 404, 'Unknown sign-in provider', SIGN_IN_FAILED);
      const error = currentUrl.searchParams.get('error');
      if (error)
        throw new Refused(
          `provider_error:${error.slice(0, 40)}`,
          400,
          'Sign-in cancelled',
          `${provider.name} did not sign you in.`,
        );
      const config = await this.discover(provider);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(
          config,
          currentUrl,
          {
            pkceCodeVerifier: this.encryption.decrypt(login.codeVerifier),
            expectedState: state,
            expectedNonce: login.nonce,
            idTokenExpected: true,
          },
          { redirect_uri: this.providers.callbackUrl(provider.id) },
        );
      } catch (e) {
        throw this.providerFailure(e, provider);
      }
      const claims = tokens.claims();
      if (!claims) throw new Refused('id_token_missing', 400, 'Sign-in refused', SIGN_IN_FAILED);
      const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
      const emailVerified = claims.email_verified === true;
      actor = (email ?? `${provider.id}:${claims.sub}`).slice(0, 100);
      if (provider.allowed_domains.length > 0) {
        const domain = email?.split('@')[1];
        if (!domain || !provider.allowed_domains.includes(domain))
          throw new Refused(
            'email_domain_not_allowed',
            403,
            'Sign-in refused',
            `Your ${provider.name} account's e-mail domain is not allowed here.`,
          );
      }
      const identity = { provider, issuer: claims.iss, subject: claims.sub, email, emailVerified, name: claims.name };
      const audience = login.audience as FederationAudience;
      let result: FederationResult;
      if (audience === 'users') result = await this.signInUser(identity, login, cookies.csrf);
      else if (audience === 'developers') result = await this.signInDeveloper(identity, login);
      else result = await this.signInAdmin(identity, login);
      audit({ action: `federation.callback.${audience}`, outcome: 'success', provider: provider.id, actor });
      return result;
    } catch (e) {
      return this.refusal(e, 'federation.callback', providerId, audit, actor);
    }
  }

  /** The portal or dashboard exchanges the one-time code of its fragment for the subject it signs in as. */
  async redeemHandoff(kind: 'developer' | 'admin', code: unknown): Promise<string | null> {
    if (typeof code !== 'string' || code.length !== 43) return null;
    const row = await this.logins.findOneBy({ handoffHash: sha256(code) });
    if (!row || !row.handoffSubject?.startsWith(`${kind}:`)) return null;
    if (!row.consumedAt || row.consumedAt.getTime() + HANDOFF_TTL_SECONDS * 1000 < Date.now()) return null;
    // Once only: the hash is cleared by the one request that finds it still set.
    const cleared = await this.logins.update(
      { stateHash: row.stateHash, handoffHash: row.handoffHash! },
      { handoffHash: null },
    );
    return cleared.affected ? row.handoffSubject.slice(kind.length + 1) : null;
  }

  /** Links shown to administrators on `GET /api/users/{id}`. */
  linksOf(kind: LocalAccountKind, localId: string): Promise<ExternalIdentityEntity[]> {
    return this.links.find({ where: { localKind: kind, localId }, order: { linkedAt: 'ASC' } });
  }

  private async signInUser(
    identity: Identity,
    login: FederationLoginEntity,
    csrfCookie: string | undefined,
  ): Promise<FederationResult> {
    const link = await this.links.findOneBy({ issuer: identity.issuer, subject: identity.subject });
    let userId: string | null = null;
    if (link) {
      if (link.localKind !== 'user')
        throw new Refused(
          'identity_linked_elsewhere',
          403,
          'Sign-in refused',
          'This account is linked to another kind of account here.',
        );
      userId = link.localId;
    } else if (identity.provider.link_by_verified_email && identity.emailVerified && identity.email) {
      // OpenID Connect Core §5.7: only a verified e-mail may identify an existing account.
      const byEmail = await this.users.findAllByEmail(identity.email);
      // Two accounts with one address: nobody can tell which is meant, so an administrator links it.
      if (byEmail.length === 1) {
        await this.link(identity, 'user', byEmail[0].id);
        userId = byEmail[0].id;
      }
    }
    if (!userId)
      throw new Refused(
        'identity_not_linked',
        403,
        'Waiting for an administrator',
        `You signed in with ${identity.provider.name}, but no account here is linked to it yet. You are waiting for an administrator to link your account; try again once they have.`,
      );
    const user = await this.users.findById(userId);
    if (!user || !user.enabled)
      throw new Refused('account_disabled', 403, 'Sign-in refused', 'This account is disabled.');
    const session = await this.sessions.issue(END_USER_SESSION, user.id, { username: user.username });
    // The interaction was verified at start; it is re-signed with this session so the consent step accepts it.
    const payload = await this.interactions.verify(login.interaction, csrfCookie);
    if (!payload) throw new Refused('interaction_invalid', 400, 'Sign-in expired', SIGN_IN_FAILED);
    const next = await this.interactions.sign({ ...payload, sid: session.jti });
    return {
      kind: 'redirect',
      location: `${this.config.publicUrl}/auth/authorize/resume?interaction=${encodeURIComponent(next)}`,
      cookies: [this.sessionCookie(session.token), this.bindCookie('', 0)],
    };
  }

  private async signInDeveloper(identity: Identity, login: FederationLoginEntity): Promise<FederationResult> {
    const link = await this.links.findOneBy({ issuer: identity.issuer, subject: identity.subject });
    let developerId: string | null = null;
    if (link) {
      if (link.localKind !== 'developer')
        throw new Refused(
          'identity_linked_elsewhere',
          403,
          'Sign-in refused',
          'This account is linked to another kind of account here.',
        );
      developerId = link.localId;
    } else if (identity.emailVerified && identity.email) {
      const existing = await this.developers.findByEmail(identity.email);
      if (existing && identity.provider.link_by_verified_email) developerId = existing.id;
      else if (!existing && identity.provider.auto_create)
        developerId = (
          await this.developers.createFederated(identity.email, typeof identity.name === 'string' ? identity.name : '')
        ).id;
      if (developerId) await this.link(identity, 'developer', developerId);
    }
    if (!developerId)
      throw new Refused(
        'identity_not_linked',
        403,
        'No developer account',
        `No developer account here is linked to your ${identity.provider.name} account.`,
      );
    return this.handoff(login, `developer:${developerId}`, '/admin/portal/login');
  }

  private async signInAdmin(identity: Identity, login: FederationLoginEntity): Promise<FederationResult> {
    // Administrators are never created by federation: the identity must be on the allow-list by verified e-mail
    // or subject, and sign in as the existing administrator of that name.
    const allowed = identity.provider.admin_allow_list;
    const bySubject = allowed.includes(identity.subject) ? identity.subject : null;
    const byEmail =
      identity.emailVerified && identity.email && allowed.map((a) => a.toLowerCase()).includes(identity.email)
        ? identity.email
        : null;
    const username = [byEmail, bySubject].find((u): u is string => !!u && u.length <= 100);
    if (!username)
      throw new Refused(
        'admin_not_allowed',
        403,
        'Sign-in refused',
        `Your ${identity.provider.name} account may not administer this server.`,
      );
    if (!(await this.admins.exists(username)))
      throw new Refused(
        'admin_account_missing',
        403,
        'Sign-in refused',
        `Your ${identity.provider.name} account may not administer this server.`,
      );
    return this.handoff(login, `admin:${username}`, '/admin/login');
  }

  /**
   * The portal and dashboard keep Bearer tokens in the page, not cookies: the browser gets a one-time code (60 s)
   * in the URL fragment, never sent to a server or in a Referer, and the page exchanges it for its session.
   */
  private async handoff(login: FederationLoginEntity, subject: string, page: string): Promise<FederationResult> {
    const code = random();
    await this.logins.update(
      { stateHash: login.stateHash },
      { handoffHash: sha256(code), handoffSubject: subject, consumedAt: new Date() },
    );
    return {
      kind: 'redirect',
      location: `${this.config.publicUrl}${page}#federation_code=${code}`,
      cookies: [this.bindCookie('', 0)],
    };
  }

  private async link(identity: Identity, kind: LocalAccountKind, localId: string): Promise<void> {
    await this.links.insert({
      id: randomUUID(),
      providerId: identity.provider.id,
      issuer: identity.issuer.slice(0, 255),
      subject: identity.subject.slice(0, 255),
      email: identity.email?.slice(0, 254) ?? null,
      localKind: kind,
      localId,
      linkedAt: new Date(),
    });
    this.logger.log(`External identity of ${identity.provider.id} linked to ${kind} ${localId}`);
  }

  /** The provider's metadata (OpenID Connect Discovery 1.0 §4), cached for an hour or until the provider changes. */
  private async discover(provider: ResolvedProvider): Promise<oidc.Configuration> {
    const key = `${provider.updatedAt}`;
    const cached = this.discovered.get(provider.id);
    if (cached && cached.key === key && Date.now() - cached.at < DISCOVERY_CACHE_MS) return cached.config;
    const execute = [oidc.enableNonRepudiationChecks];
    // Plain http issuers only outside production (a loopback provider in development and tests).
    if (!this.config.production && provider.issuer.startsWith('http:')) execute.push(oidc.allowInsecureRequests);
    let config: oidc.Configuration;
    try {
      config = await oidc.discovery(
        new URL(provider.issuer),
        provider.client_id,
        // OpenID Connect Core §3.1.3.7 (6): only asymmetric signatures; `none` and HS256 are refused.
        { id_token_signed_response_alg: 'RS256' },
        oidc.ClientSecretPost(provider.client_secret),
        { execute, timeout: PROVIDER_TIMEOUT_SECONDS },
      );
    } catch (e) {
      throw this.providerFailure(e, provider);
    }
    config.timeout = PROVIDER_TIMEOUT_SECONDS;
    this.discovered.set(provider.id, { key, at: Date.now(), config });
    return config;
  }

  /** An openid-client failure as a refusal: unreachable provider, or a response that does not check out. */
  private providerFailure(e: unknown, provider: ResolvedProvider): Refused {
    // openid-client wraps what went wrong (`cause`); the innermost error tells a network failure from a bad answer.
    const chain: { name?: string; code?: string; message?: string; cause?: unknown }[] = [];
    for (let c = e as (typeof chain)[number] | undefined; c && chain.length < 5; c = c.cause as typeof c) chain.push(c);
    const network = chain.some(
      (c) =>
        c.name === 'TimeoutError' ||
        c.name === 'AbortError' ||
        (c.name === 'TypeError' && /fetch failed/i.test(c.message ?? '')) ||
        /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(c.code ?? ''),
    );
    if (network)
      return new Refused(
        'provider_unreachable',
        502,
        'Sign-in provider unavailable',
        `${provider.name} cannot be reached right now. Try again in a few minutes.`,
        'error',
      );
    const claim = chain.map((c) => (c as { claim?: unknown }).claim).find((c) => typeof c === 'string');
    const detail = (chain[0]?.message ?? 'invalid response').replace(/[^\x20-\x7e]/g, '').slice(0, 100);
    return new Refused(
      `provider_response_invalid: ${claim ? `id_token ${claim.slice(0, 20)}: ` : ''}${detail}`,
      400,
      'Sign-in refused',
      SIGN_IN_FAILED,
    );
  }

  private refusal(
    e: unknown,
    action: string,
    providerId: string,
    audit: (a: FederationAudit) => void,
    actor: string | null = null,
  ): FederationResult {
    if (!(e instanceof Refused)) throw e;
    audit({ action, outcome: e.outcome, provider: providerId.slice(0, 63), actor, reason: e.reason.slice(0, 200) });
    return {
      kind: 'page',
      status: e.status,
      title: e.title,
      message: e.userMessage,
      cookies: [this.bindCookie('', 0)],
    };
  }

  private bindCookie(value: string, maxAge: number): string {
    const parts = [
      `ccri_federation=${value}`,
      `Path=${this.cookiePath}`,
      'HttpOnly',
      'SameSite=Lax',
      `Max-Age=${maxAge}`,
    ];
    if (this.interactions.secureCookies) parts.push('Secure');
    return parts.join('; ');
  }

  /** The end-user session cookie, exactly as the authorize sign-in sets it. */
  private sessionCookie(token: string): string {
    return cookie(SESSION_COOKIE, token, {
      secure: this.interactions.secureCookies,
      maxAge: END_USER_SESSION.ttlSeconds,
    });
  }
}

interface Identity {
  provider: ResolvedProvider;
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name?: unknown;
}
