import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { DeveloperAccount, DeveloperSession, DeveloperSignupRequest } from '@ccri/contracts';
import { DomainError } from '../common/errors/domain-error';
import { JwtRejected } from '../auth/keys/keys.service';
import { hashPassword, verifyPassword } from '../admin-users/password-hash';
import { AttemptCounter } from '../common/security/attempt-counter';
import { SignInFailuresStore } from '../common/security/sign-in-failures.store';
import { PORTAL_SESSION } from '../sessions/session-kinds';
import { SessionService } from '../sessions/session.service';
import { DeveloperAccountEntity } from './developer-account.entity';
import type { DeveloperPrincipal } from './developer-principal';

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
  private readonly accountFailures: AttemptCounter;
  private readonly addressFailures: AttemptCounter;
  private readonly signups: AttemptCounter;
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(DeveloperAccountEntity) private readonly repo: Repository<DeveloperAccountEntity>,
    private readonly sessions: SessionService,
    failures: SignInFailuresStore,
  ) {
    this.accountFailures = new AttemptCounter(
      failures,
      'developer-account',
      MAX_FAILURES_PER_ACCOUNT,
      FIFTEEN_MINUTES_MS,
    );
    this.addressFailures = new AttemptCounter(
      failures,
      'developer-address',
      MAX_FAILURES_PER_ADDRESS,
      FIFTEEN_MINUTES_MS,
    );
    this.signups = new AttemptCounter(failures, 'developer-signup', MAX_SIGNUPS_PER_ADDRESS, HOUR_MS);
  }

  toAccount(e: DeveloperAccountEntity): DeveloperAccount {
    return { id: e.id, email: e.email, name: e.name, created_at: e.createdAt.toISOString() };
  }

  /** Creates an account and signs it in. */
  async signup(request: DeveloperSignupRequest, ip: string): Promise<DeveloperSession> {
    const wait = await this.signups.retryAfter(ip);
    if (wait > 0) throw tooManyAttempts('Too many accounts were created from this address; try again later', wait);
    await this.signups.hit(ip);
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
    const wait = Math.max(await this.accountFailures.retryAfter(email), await this.addressFailures.retryAfter(ip));
    if (wait > 0) throw tooManyAttempts('Too many failed sign-ins; try again later', wait);
    const account = email.length <= 254 ? await this.repo.findOneBy({ email }) : null;
    // An unknown address costs a KDF run too, so timing does not reveal which accounts exist.
    const ok = account
      ? await verifyPassword(password, account.passwordHash)
      : await verifyPassword(password, await this.getDummyHash()).then(() => false);
    if (!ok || !account) {
      await this.accountFailures.hit(email);
      await this.addressFailures.hit(ip);
      throw new DomainError(401, 'invalid_credentials', 'Wrong email address or password', {
        auditReason: 'invalid_credentials',
      });
    }
    await this.accountFailures.reset(email);
    return this.issueSession(account);
  }

  /** Federated sign-in: the account with this (verified) e-mail, if any. */
  findByEmail(rawEmail: string): Promise<DeveloperAccountEntity | null> {
    const email = normaliseEmail(rawEmail);
    return email.length <= 254 ? this.repo.findOneBy({ email }) : Promise.resolve(null);
  }

  /** Federated sign-in (`auto_create`): an account whose password nobody knows (it signs in through its provider). */
  async createFederated(rawEmail: string, name: string): Promise<DeveloperAccountEntity> {
    const entity = this.repo.create({
      id: randomUUID(),
      email: normaliseEmail(rawEmail),
      name: name.trim().slice(0, 200) || normaliseEmail(rawEmail),
      passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    });
    await this.repo.insert(entity);
    this.logger.log(`Developer account ${entity.id} created by federated sign-in`);
    return this.repo.findOneByOrFail({ id: entity.id });
  }

  /** A portal session for an account a federated sign-in established; null if the account is gone. */
  async federatedSession(id: string): Promise<DeveloperSession | null> {
    const account = await this.repo.findOneBy({ id });
    return account ? this.issueSession(account) : null;
  }

  async logout(principal: DeveloperPrincipal): Promise<void> {
    await this.sessions.revoke(principal.jti);
  }

  async account(principal: DeveloperPrincipal): Promise<DeveloperAccount> {
    const account = await this.repo.findOneBy({ id: principal.id });
    if (!account) throw invalidSession('no_account', 'The account no longer exists');
    return this.toAccount(account);
  }

  /** Verifies a portal session token; throws 401 otherwise. */
  async verifySession(token: string): Promise<DeveloperPrincipal> {
    try {
      // The portal audience (`/portal`) keeps an admin session (`/api`) or an access token (`/fhir`) out.
      const claims = await this.sessions.verify(PORTAL_SESSION, token);
      if (typeof claims.email !== 'string') throw new JwtRejected('invalid_claims', 'The session names no account');
      return { id: claims.sub, email: claims.email, jti: claims.jti };
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      throw invalidSession(e.reason, e.message);
    }
  }

  private async issueSession(account: DeveloperAccountEntity): Promise<DeveloperSession> {
    const session = await this.sessions.issue(PORTAL_SESSION, account.id, { email: account.email });
    return {
      access_token: session.token,
      token_type: 'Bearer',
      expires_in: session.expiresIn,
      developer: this.toAccount(account),
    };
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
