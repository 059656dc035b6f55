import { actorOf } from '../../users/user-actor';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { negotiateScopes } from '@ccri/smart-scopes';
import type { AuditOutcome } from '@ccri/contracts';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DomainError } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import { ScopesService } from '../../scopes/scopes.service';
import { END_USER_SESSION } from '../../sessions/session-kinds';
import { type IssuedSession, SessionService, type SessionClaims } from '../../sessions/session.service';
import type { EndUserEntity } from '../../users/end-user.entity';
import { UsersService } from '../../users/users.service';
import { AuthorizationCodesService } from './authorization-codes.service';
import { AuthorizationGrantEntity } from './authorization-grant.entity';
import {
  allowsGrant,
  CODE_CHALLENGE,
  DuplicateParameter,
  type Params,
  RedirectableError,
  registeredRedirectUris,
  single,
  UntrustedRedirectError,
  withParams,
} from './authorization-request';
import { IdentityProvidersService } from '../../federation/identity-providers.service';
import {
  consentPage,
  errorPage,
  patientMatch,
  patientPickerPage,
  signInPage,
  type PatientMatch,
} from './authorize-pages';
import { type Interaction, InteractionService, sha256Base64url } from './interaction.service';
import { LaunchesService } from './launches.service';
import { DirectoryService } from '../../users/directory.service';

/** What a step of the authorization endpoint answers: a page, or a redirect (to the app, or to the next page). */
export type StepResult =
  | { kind: 'page'; status: number; html: string; headers?: Record<string, string> }
  | { kind: 'redirect'; location: string };

/** One audit record of a step (category `token`): who, which app, how it went. */
export interface StepAudit {
  action: string;
  outcome: AuditOutcome;
  actor?: string | null;
  client_id?: string | null;
  reason?: string | null;
  scope?: string | null;
}

export type AuditSink = (record: StepAudit) => void;

/** The browser's state: its CSRF cookie and, once signed in, its session cookie. */
export interface Browser {
  csrf: string;
  sessionToken?: string;
  ip: string;
}

export interface SignedIn {
  user: EndUserEntity;
  claims: SessionClaims;
}

const MAX_STATE = 2000;
const MAX_NONCE = 512;

function scopeList(scope: string): string[] {
  return scope.split(/\s+/).filter(Boolean);
}

/**
 * The authorization endpoint's front channel (RFC 6749 §4.1, SMART App Launch 2.2, OpenID Connect Core §3.1.2):
 * validates the request, then walks the person through sign-in, the patient picker and consent, and issues the code.
 */
@Injectable()
export class AuthorizeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(AuthorizationGrantEntity) private readonly grants: Repository<AuthorizationGrantEntity>,
    private readonly clients: ClientsService,
    private readonly scopes: ScopesService,
    private readonly sessions: SessionService,
    private readonly users: UsersService,
    private readonly codes: AuthorizationCodesService,
    private readonly launches: LaunchesService,
    private readonly directory: DirectoryService,
    private readonly interactions: InteractionService,
    private readonly identityProviders: IdentityProvidersService,
  ) {}

  private get fhirBase(): string {
    return `${this.config.publicUrl}/fhir`;
  }

  /** `GET`/`POST /auth/authorize`: validates the request and takes the first step. */
  async authorize(params: Params, browser: Browser, audit: AuditSink): Promise<StepResult> {
    let interaction: Interaction;
    try {
      interaction = await this.validate(params, browser);
    } catch (e) {
      if (e instanceof UntrustedRedirectError) {
        audit({ action: 'authorize', outcome: 'error', reason: e.reason, client_id: e.clientId });
        return { kind: 'page', status: 400, html: errorPage('This app cannot sign you in', e.message) };
      }
      if (e instanceof RedirectableError) {
        const clientId = typeof params.client_id === 'string' ? params.client_id : null;
        const redirectUri = params.redirect_uri as string;
        audit({ action: 'authorize', outcome: 'error', reason: e.reason, client_id: clientId });
        return this.errorRedirect(redirectUri, e.error, e.description, stateOf(params));
      }
      throw e;
    }
    return this.proceed(interaction, browser, audit);
  }

  /** RFC 6749 §4.1.1 plus SMART App Launch 2.2 and RFC 7636: an Interaction, or the reason it is refused. */
  private async validate(params: Params, browser: Browser): Promise<Interaction> {
    let clientId: string | undefined;
    let redirectUri: string | undefined;
    try {
      clientId = single(params, 'client_id');
      redirectUri = single(params, 'redirect_uri');
    } catch (e) {
      const p = (e as DuplicateParameter).parameter;
      throw new UntrustedRedirectError('duplicate_parameter', `The ${p} parameter is sent more than once.`, null);
    }
    if (!clientId) throw new UntrustedRedirectError('missing_client_id', 'The request names no client_id.', null);
    const client = await this.clients.findActive(clientId);
    if (!client)
      throw new UntrustedRedirectError('unknown_client', 'This app is not known here, or is disabled.', null);
    if (!allowsGrant(client, 'authorization_code'))
      throw new UntrustedRedirectError(
        'unauthorized_client',
        'This app is not allowed to sign people in (no authorization_code grant).',
        clientId,
      );
    // RFC 9700 §4.1.3 / §2.1: exact string comparison against the registered redirect URIs.
    if (!redirectUri || !registeredRedirectUris(client).includes(redirectUri))
      throw new UntrustedRedirectError(
        'invalid_redirect_uri',
        'The redirect_uri is missing or is not one this app registered.',
        clientId,
      );
    const get = (name: string) => {
      try {
        return single(params, name);
      } catch (e) {
        throw new RedirectableError('invalid_request', (e as Error).message, 'duplicate_parameter');
      }
    };
    const state = get('state');
    if (state !== undefined && state.length > MAX_STATE)
      throw new RedirectableError('invalid_request', 'state is too long', 'state_too_long');
    const responseType = get('response_type');
    if (!responseType)
      throw new RedirectableError('invalid_request', 'response_type is required', 'missing_response_type');
    if (responseType !== 'code')
      throw new RedirectableError('unsupported_response_type', 'Only response_type=code is supported');
    // RFC 7636 §4.4.1 and RFC 9700 §2.1.1: PKCE for every client, S256 only.
    const challenge = get('code_challenge');
    if (!challenge) throw new RedirectableError('invalid_request', 'code_challenge is required (PKCE)', 'pkce_missing');
    const method = get('code_challenge_method');
    if (method !== 'S256')
      throw new RedirectableError('invalid_request', 'code_challenge_method must be S256', 'pkce_method_not_s256');
    if (!CODE_CHALLENGE.test(challenge))
      throw new RedirectableError('invalid_request', 'code_challenge is malformed', 'pkce_malformed');
    // SMART App Launch 2.2: `aud` names the FHIR server the token is for (RFC 8707 `resource` is its synonym).
    const aud = get('aud') ?? get('resource');
    if (!aud || aud.replace(/\/$/, '') !== this.fhirBase)
      throw new RedirectableError('invalid_request', `aud must be ${this.fhirBase}`, 'aud_mismatch');
    const nonce = get('nonce');
    if (nonce !== undefined && nonce.length > MAX_NONCE)
      throw new RedirectableError('invalid_request', 'nonce is too long', 'nonce_too_long');
    const promptValues = scopeList(get('prompt') ?? '');
    if (promptValues.includes('none') && promptValues.length > 1)
      throw new RedirectableError('invalid_request', 'prompt=none cannot be combined with other values', 'bad_prompt');
    const prompt = promptValues.includes('none')
      ? 'none'
      : promptValues.includes('login')
        ? 'login'
        : promptValues.includes('consent')
          ? 'consent'
          : undefined;
    const maxAgeRaw = get('max_age');
    if (maxAgeRaw !== undefined && !/^\d{1,9}$/.test(maxAgeRaw))
      throw new RedirectableError('invalid_request', 'max_age must be a whole number of seconds', 'bad_max_age');
    const negotiated = negotiateScopes(get('scope'), client.scope);
    if (!negotiated.ok) throw new RedirectableError(negotiated.error, negotiated.description);
    const interaction: Interaction = {
      client_id: client.clientId,
      client_name: client.clientName,
      redirect_uri: redirectUri,
      scope: negotiated.granted.join(' '),
      state,
      nonce,
      code_challenge: challenge,
      prompt,
      max_age: maxAgeRaw === undefined ? undefined : Number(maxAgeRaw),
      bind: '',
    };
    // SMART App Launch 2.2 §EHR launch: the launch id is opaque, single use, and this client's; consumed last.
    const launch = get('launch');
    if (launch !== undefined) {
      const redeemed = await this.launches.redeem(launch, client.clientId);
      if (!redeemed.ok)
        throw new RedirectableError(
          'invalid_request',
          'The launch is unknown, expired or already used',
          redeemed.reason,
        );
      interaction.patient = redeemed.patient;
      interaction.encounter = redeemed.encounter ?? undefined;
      interaction.patient_source = 'launch';
    }
    interaction.bind = sha256Base64url(browser.csrf);
    return interaction;
  }

  /** The next step for a validated interaction: sign-in, patient picker, consent, or the code. */
  async proceed(interaction: Interaction, browser: Browser, audit: AuditSink): Promise<StepResult> {
    const signedIn = await this.currentUser(browser.sessionToken);
    const now = Math.floor(Date.now() / 1000);
    const freshHere = signedIn !== null && interaction.sid === signedIn.claims.jti;
    const needsLogin =
      signedIn === null ||
      (!freshHere &&
        (interaction.prompt === 'login' ||
          (interaction.max_age !== undefined && now - signedIn.claims.iat > interaction.max_age)));
    if (needsLogin) {
      // OpenID Connect Core §3.1.2.6: prompt=none never shows a page.
      if (interaction.prompt === 'none')
        return this.refuseSilently(interaction, 'login_required', 'The person is not signed in', audit, null);
      return this.page(signInPage(await this.signInContext(interaction, browser)));
    }
    const { user, claims } = signedIn;
    const granted = scopeList(interaction.scope);
    if (user.role === 'patient') {
      // A patient acts only for themselves: their own Patient is always the context.
      interaction.patient = patientIdOf(user.fhirUser) ?? undefined;
      interaction.encounter = interaction.patient_source === 'launch' ? interaction.encounter : undefined;
    } else if (granted.includes('launch/patient') && !interaction.patient) {
      if (interaction.prompt === 'none')
        return this.refuseSilently(interaction, 'interaction_required', 'A patient must be chosen', audit, user);
      return this.page(
        patientPickerPage({ ...(await this.pageContext(interaction, browser)), search: '', matches: null }),
      );
    }
    let grant: AuthorizationGrantEntity | null = null;
    if (interaction.grant_id) {
      grant = await this.grants.findOneBy({ id: interaction.grant_id, revokedAt: IsNull() });
    } else if (interaction.prompt !== 'consent') {
      grant = await this.rememberedGrant(user.id, interaction.client_id, granted);
    }
    if (!grant) {
      if (interaction.prompt === 'none')
        return this.refuseSilently(interaction, 'consent_required', 'The person has not allowed this app', audit, user);
      return this.page(await this.consentPageFor(interaction, browser, user));
    }
    return this.issueCode(interaction, user, claims, grant, audit);
  }

  /** Sign-in form post. */
  async signIn(
    interaction: Interaction,
    form: Params,
    browser: Browser,
    audit: AuditSink,
  ): Promise<StepResult & { session?: string }> {
    const result = await this.signInPerson(form, browser, audit, 'authorize.sign-in', interaction.client_id);
    if ('error' in result) {
      const ctx = await this.signInContext(interaction, browser);
      return {
        kind: 'page',
        status: result.status,
        html: signInPage({ ...ctx, username: result.username, error: result.error }),
        headers: result.headers,
      };
    }
    const next = await this.interactions.sign({ ...interaction, sid: result.session.jti });
    return { ...this.resume(next), session: result.session.token };
  }

  /**
   * The one sign-in of a person (the authorization pages and the account page): checks the username and password,
   * audits the attempt under `action`, and opens a session; or says what to show on the sign-in page.
   */
  async signInPerson(
    form: Params,
    browser: Browser,
    audit: AuditSink,
    action: string,
    clientId: string | null,
  ): Promise<
    | { user: EndUserEntity; session: IssuedSession }
    | { error: string; status: number; username: string; headers?: Record<string, string> }
  > {
    const username = typeof form.username === 'string' ? form.username.slice(0, 200) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 1000) : '';
    let user: EndUserEntity;
    try {
      user = await this.users.authenticate(username, password, browser.ip);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const actor = username.trim().toLowerCase().slice(0, 100) || null;
      audit({ action, outcome: 'denied', actor, client_id: clientId, reason: e.options.auditReason ?? e.code });
      if (e.status === 429)
        return {
          status: 429,
          username,
          error: 'Too many failed sign-ins. Wait a few minutes and try again.',
          headers: e.options.headers,
        };
      return { status: 200, username, error: 'Wrong username or password.' };
    }
    const session = await this.sessions.issue(END_USER_SESSION, user.id, { username: user.username });
    audit({ action, outcome: 'success', actor: actorOf(user), client_id: clientId });
    return { user, session };
  }

  /** Patient picker search (a practitioner signed in to this interaction). */
  async searchPatients(interaction: Interaction, search: string, browser: Browser): Promise<StepResult> {
    const signedIn = await this.currentUser(browser.sessionToken);
    if (!signedIn) return this.proceed(interaction, browser, () => undefined);
    let matches: PatientMatch[];
    try {
      matches = search.trim() ? (await this.directory.find('Patient', search.slice(0, 100))).map(patientMatch) : [];
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      matches = [];
    }
    return this.page(
      patientPickerPage({ ...(await this.pageContext(interaction, browser)), search: search.slice(0, 100), matches }),
    );
  }

  /** The practitioner picked a patient. */
  async pickPatient(interaction: Interaction, form: Params, browser: Browser): Promise<StepResult> {
    const signedIn = await this.currentUser(browser.sessionToken);
    if (!signedIn || signedIn.user.role === 'patient') return this.proceed(interaction, browser, () => undefined);
    const id = typeof form.patient === 'string' ? form.patient : '';
    const found = await this.directory.patient(id);
    if (!found)
      return this.page(
        patientPickerPage({
          ...(await this.pageContext(interaction, browser)),
          search: '',
          matches: null,
          error: 'That patient was not found.',
        }),
      );
    const next = await this.interactions.sign({ ...interaction, patient: id, patient_source: 'picked' });
    return this.resume(next);
  }

  /** Consent form post: Allow (with the scopes left ticked) or Deny. */
  async consent(interaction: Interaction, form: Params, browser: Browser, audit: AuditSink): Promise<StepResult> {
    const signedIn = await this.currentUser(browser.sessionToken);
    if (!signedIn) return this.proceed(interaction, browser, audit);
    const { user, claims } = signedIn;
    const offered = scopeList(interaction.scope);
    const ticked = new Set(
      (Array.isArray(form.scope) ? form.scope : [form.scope]).filter((s) => typeof s === 'string'),
    );
    const allowed = offered.filter((s) => ticked.has(s));
    if (form.decision !== 'allow' || allowed.length === 0) {
      // RFC 6749 §4.1.2.1: the resource owner denied the request.
      audit({
        action: 'authorize.consent',
        outcome: 'denied',
        actor: actorOf(user),
        client_id: interaction.client_id,
        reason: form.decision === 'allow' ? 'nothing_allowed' : 'access_denied',
      });
      return this.errorRedirect(
        interaction.redirect_uri,
        'access_denied',
        'The person denied the request',
        interaction.state,
      );
    }
    const grant = await this.remember(user.id, interaction, allowed, claims.jti);
    audit({
      action: 'authorize.consent',
      outcome: 'success',
      actor: actorOf(user),
      client_id: interaction.client_id,
      scope: allowed.join(' '),
    });
    const next = await this.interactions.sign({ ...interaction, scope: allowed.join(' '), grant_id: grant.id });
    return this.resume(next);
  }

  /** The signed-in person, if the session cookie is valid and the account still enabled. */
  async currentUser(token: string | undefined): Promise<SignedIn | null> {
    if (!token) return null;
    let claims: SessionClaims;
    try {
      claims = await this.sessions.verify(END_USER_SESSION, token);
    } catch {
      return null;
    }
    const user = await this.users.findById(claims.sub);
    if (!user || !user.enabled) return null;
    if (user.sessionsValidAfter && claims.iat * 1000 < user.sessionsValidAfter.getTime()) return null;
    return { user, claims };
  }

  private async issueCode(
    interaction: Interaction,
    user: EndUserEntity,
    claims: SessionClaims,
    grant: AuthorizationGrantEntity,
    audit: AuditSink,
  ): Promise<StepResult> {
    await this.grants.update(
      { id: grant.id },
      grant.kind === 'online' ? { lastUsedAt: new Date(), sessionId: claims.jti } : { lastUsedAt: new Date() },
    );
    const granted = scopeList(interaction.scope);
    const inContext =
      user.role === 'patient' ||
      (interaction.patient_source === 'launch' && granted.includes('launch')) ||
      (interaction.patient_source === 'picked' && granted.includes('launch/patient'));
    const code = await this.codes.issue({
      clientId: interaction.client_id,
      userId: user.id,
      grantId: grant.id,
      redirectUri: interaction.redirect_uri,
      codeChallenge: interaction.code_challenge,
      scope: interaction.scope,
      patient: inContext ? (interaction.patient ?? null) : null,
      encounter: inContext ? (interaction.encounter ?? null) : null,
      nonce: interaction.nonce ?? null,
      authTime: new Date(claims.iat * 1000),
      sessionId: claims.jti,
    });
    audit({
      action: 'authorize.code',
      outcome: 'success',
      actor: actorOf(user),
      client_id: interaction.client_id,
      scope: interaction.scope,
    });
    // RFC 6749 §4.1.2 and RFC 9207 §2: code, state, and the issuer.
    return {
      kind: 'redirect',
      location: withParams(interaction.redirect_uri, { code, state: interaction.state, iss: this.config.publicUrl }),
    };
  }

  /** A non-revoked, unexpired grant of this person to this client covering every scope asked for. */
  private async rememberedGrant(
    userId: string,
    clientId: string,
    requested: string[],
  ): Promise<AuthorizationGrantEntity | null> {
    const grants = await this.grants.find({
      where: { userId, clientId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    const now = Date.now();
    for (const g of grants) {
      if (g.expiresAt && g.expiresAt.getTime() <= now) continue;
      const allowed = new Set(scopeList(g.scope));
      if (requested.every((s) => allowed.has(s))) return g;
    }
    return null;
  }

  /** Stores (or updates) this person's grant to this client with what they just allowed. */
  private async remember(
    userId: string,
    interaction: Interaction,
    allowed: string[],
    sessionJti: string,
  ): Promise<AuthorizationGrantEntity> {
    // SMART App Launch 2.2 §scopes for requesting a refresh token: offline_access outlives the session, online_access not.
    const kind = allowed.includes('offline_access')
      ? 'offline'
      : allowed.includes('online_access')
        ? 'online'
        : 'consent';
    const fields = {
      scope: allowed.join(' '),
      kind,
      patient: interaction.patient ?? null,
      encounter: interaction.encounter ?? null,
      sessionId: kind === 'online' ? sessionJti : null,
      lastUsedAt: new Date(),
    };
    const existing = await this.grants.findOne({
      where: { userId, clientId: interaction.client_id, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    if (existing) {
      await this.grants.update({ id: existing.id }, fields);
      return { ...existing, ...fields };
    }
    const grant = this.grants.create({
      id: randomUUID(),
      userId,
      clientId: interaction.client_id,
      expiresAt: null,
      revokedAt: null,
      ...fields,
    });
    await this.grants.insert(grant);
    return grant;
  }

  private async consentPageFor(interaction: Interaction, browser: Browser, user: EndUserEntity): Promise<string> {
    const catalog = new Map((await this.scopes.list()).map((e) => [e.scope, e.description]));
    const scopes = scopeList(interaction.scope).map((scope) => ({
      scope,
      description: catalog.get(scope) ?? describeScope(scope),
    }));
    let patientName: string | undefined;
    if (interaction.patient && user.role !== 'patient') {
      patientName = (await this.directory.patient(interaction.patient))?.display;
    }
    return consentPage({
      ...(await this.pageContext(interaction, browser)),
      userName: user.displayName || user.username,
      scopes,
      patientName,
    });
  }

  /** The sign-in page's context: one "Sign in with {provider}" per provider serving people (federation). */
  private async signInContext(interaction: Interaction, browser: Browser) {
    const providers = await this.identityProviders.publicList('users');
    return {
      ...(await this.pageContext(interaction, browser)),
      providers: providers.map((p) => ({ name: p.name, startUrl: this.identityProviders.startUrl(p.id) })),
    };
  }

  private async pageContext(interaction: Interaction, browser: Browser) {
    return {
      clientName: interaction.client_name,
      interaction: await this.interactions.sign(interaction),
      csrf: browser.csrf,
    };
  }

  private refuseSilently(
    interaction: Interaction,
    error: string,
    description: string,
    audit: AuditSink,
    user: EndUserEntity | null,
  ): StepResult {
    audit({
      action: 'authorize',
      outcome: 'denied',
      reason: error,
      actor: user ? actorOf(user) : null,
      client_id: interaction.client_id,
    });
    return this.errorRedirect(interaction.redirect_uri, error, description, interaction.state);
  }

  /** RFC 6749 §4.1.2.1 error response, with RFC 9207 `iss`. */
  private errorRedirect(
    redirectUri: string,
    error: string,
    description: string,
    state: string | undefined,
  ): StepResult {
    return {
      kind: 'redirect',
      location: withParams(redirectUri, { error, error_description: description, state, iss: this.config.publicUrl }),
    };
  }

  private page(html: string): StepResult {
    return { kind: 'page', status: 200, html };
  }

  private resume(interaction: string): StepResult {
    return { kind: 'redirect', location: `/auth/authorize/resume?interaction=${encodeURIComponent(interaction)}` };
  }
}

function stateOf(params: Params): string | undefined {
  return typeof params.state === 'string' && params.state.length <= MAX_STATE ? params.state : undefined;
}

/** `Patient/123` → `123`; null for any other kind of reference. */
export function patientIdOf(fhirUser: string): string | null {
  const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(fhirUser);
  return m ? m[1] : null;
}

/** A plain description for scopes the catalog does not describe (SMART App Launch 2.2 §scopes). */
export function describeScope(scope: string): string {
  switch (scope) {
    case 'openid':
      return 'Confirm who you are to the app';
    case 'fhirUser':
      return 'Tell the app which FHIR record represents you';
    case 'profile':
      return 'Share your name and profile';
    case 'launch':
      return 'Open with the patient already chosen in the record system';
    case 'launch/patient':
      return 'Know which patient is in context';
    case 'offline_access':
      return 'Keep access after you sign out, until you withdraw it';
    case 'online_access':
      return 'Keep access while you stay signed in';
    default:
      return 'Access to health records';
  }
}
