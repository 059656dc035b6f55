import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { DeveloperAccount, DeveloperSession, DeveloperSignupRequest } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/errors/domain-error';
import { JwtRejected, KeysService } from '../auth/keys/keys.service';
import { TokenStoreService } from '../auth/tokens/token-store.service';
import { hashPassword, verifyPassword } from '../admin-users/password-hash';
import { AttemptCounter } from './attempt-counter';
import { DeveloperAccountEntity } from './developer-account.entity';
import type { DeveloperPrincipal } from './developer-principal';

export const DEVELOPER_SESSION_TYP = 'developer-session+jwt';
/** A working day: long enough for an integrator's session, short enough that a forgotten tab ends. */
export const DEVELOPER_SESSION_TTL_SECONDS = 8 * 3600;
const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Sign-in failures per account before a pause (as for administrators). */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Sign-in failures per address before a pause: many accounts guessed from one place. */
export const MAX_FAILURES_PER_ADDRESS = 30;
/** Accounts one address may create per hour: a team signing up together passes, a script does not get far. */
export const MAX_SIGNUPS_PER_ADDRESS = 20;

function tooManyAttempts(message: string, retryAfter: number): DomainError {
  return new DomainError(429, 'too_many_attempts', message, { headers: { 'retry-after': String(retryAfter) } });
}

/**
 * Developer-portal accounts: sign-up, password sign-in (scrypt hashes, as administrators have) and session tokens
 * (RS256 JWTs for `PUBLIC_URL/portal`, recorded like access tokens so sign-out revokes them).
 */
@Injectable()
export class DevelopersService {
  private readonly logger = new Logger(DevelopersService.name);
  private readonly accountFailures = new AttemptCounter(MAX_FAILURES_PER_ACCOUNT, FIFTEEN_MINUTES_MS);
  private readonly addressFailures = new AttemptCounter(MAX_FAILURES_PER_ADDRESS, FIFTEEN_MINUTES_MS);
  private readonly signups = new AttemptCounter(MAX_SIGNUPS_PER_ADDRESS, HOUR_MS);
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(DeveloperAccountEntity) private readonly repo: Repository<DeveloperAccountEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
    private readonly tokens: TokenStoreService,
  ) {}

  /** The audience of portal sessions: neither an admin session (`/api`) nor an access token (`/fhir`) is one. */
  get audience(): string {
    return `${this.config.publicUrl}/portal`;
  }

  toAccount(e: DeveloperAccountEntity): DeveloperAccount {
    return { id: e.id, email: e.email, name: e.name, created_at: e.createdAt.toISOString() };
  }

  /** Creates an account and signs it in. */
  async signup(request: DeveloperSignupRequest, ip: string): Promise<DeveloperSession> {
    const wait = this.signups.retryAfter(ip);
    if (wait > 0) throw tooManyAttempts('Too many accounts were created from this address; try again later', wait);
    this.signups.hit(ip);
    const email = normaliseEmail(request.email);
    if (await this.repo.existsBy({ email })) throw emailTaken();
    const entity = this.repo.create({
      id: randomUUID(),
      email,
      name: request.name.trim(),
      passwordHash: await hashPassword(request.password),
    });
    try {
      await this.repo.insert(entity);
    } catch (e) {
      // Two sign-ups with one address at once: the unique index decides.
      if (e instanceof QueryFailedError && /unique|duplicate/i.test(e.message)) throw emailTaken();
      throw e;
    }
    this.logger.log(`Developer account ${entity.id} created`);
    return this.issueSession(await this.repo.findOneByOrFail({ id: entity.id }));
  }

  async login(rawEmail: string, password: string, ip: string): Promise<DeveloperSession> {
    const email = normaliseEmail(rawEmail);
    const wait = Math.max(this.accountFailures.retryAfter(email), this.addressFailures.retryAfter(ip));
    if (wait > 0) throw tooManyAttempts('Too many failed sign-ins; try again later', wait);
    const account = email.length <= 254 ? await this.repo.findOneBy({ email }) : null;
    // An unknown address costs a KDF run too, so timing does not reveal which accounts exist.
    const ok = account
      ? await verifyPassword(password, account.passwordHash)
      : await verifyPassword(password, await this.getDummyHash()).then(() => false);
    if (!ok || !account) {
      this.accountFailures.hit(email);
      this.addressFailures.hit(ip);
      throw new DomainError(401, 'invalid_credentials', 'Wrong email address or password', {
        auditReason: 'invalid_credentials',
      });
    }
    this.accountFailures.reset(email);
    return this.issueSession(account);
  }

  async logout(principal: DeveloperPrincipal): Promise<void> {
    await this.tokens.revoke(principal.jti);
  }

  async account(principal: DeveloperPrincipal): Promise<DeveloperAccount> {
    const account = await this.repo.findOneBy({ id: principal.id });
    if (!account) throw invalidSession('no_account', 'The account no longer exists');
    return this.toAccount(account);
  }

  /** Verifies a portal session token; throws 401 otherwise. */
  async verifySession(token: string): Promise<DeveloperPrincipal> {
    try {
      const payload = await this.keys.verify(token, { audience: this.audience, typ: DEVELOPER_SESSION_TYP });
      if (this.tokens.isRevoked(payload.jti!)) throw new JwtRejected('revoked', 'The session has ended');
      if (typeof payload.email !== 'string') throw new JwtRejected('invalid_claims', 'The session names no account');
      return { id: payload.sub!, email: payload.email, jti: payload.jti! };
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      throw invalidSession(e.reason, e.message);
    }
  }

  private async issueSession(account: DeveloperAccountEntity): Promise<DeveloperSession> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = DEVELOPER_SESSION_TTL_SECONDS;
    const jti = randomUUID();
    const { token, kid } = await this.keys.sign(
      {
        iss: this.config.publicUrl,
        aud: this.audience,
        sub: account.id,
        email: account.email,
        jti,
        iat: now,
        exp: now + ttl,
      },
      DEVELOPER_SESSION_TYP,
    );
    await this.tokens.record({
      jti,
      kind: 'portal_session',
      clientId: account.id,
      scope: 'portal',
      patient: null,
      kid,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date((now + ttl) * 1000),
    });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, developer: this.toAccount(account) };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

/** Addresses compare case-insensitively in practice (RFC 5321 §2.4 allows otherwise; no provider does it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(): DomainError {
  return new DomainError(409, 'email_taken', 'An account with this email address exists already; sign in instead', {
    fieldErrors: [{ field: 'email', message: 'An account with this email address exists already' }],
  });
}

function invalidSession(reason: string, message: string): DomainError {
  return new DomainError(401, 'invalid_session', message, {
    wwwAuthenticate: 'Bearer realm="ccri-portal", error="invalid_token"',
    auditReason: reason,
  });
}
