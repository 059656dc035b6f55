import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, QueryFailedError, Repository } from 'typeorm';
import type { CreateEndUserRequest, EndUser, EndUserRole, ExternalIdentity, Page } from '@ccri/contracts';
import { DomainError, notFound } from '../common/errors/domain-error';
import { hashPassword, verifyPassword } from '../admin-users/password-hash';
import { JwtRejected } from '../auth/keys/keys.service';
import { AttemptCounter } from '../common/security/attempt-counter';
import { SignInFailuresStore } from '../common/security/sign-in-failures.store';
import { END_USER_SESSION } from '../sessions/session-kinds';
import { issuedAfter, SessionClaims, SessionService } from '../sessions/session.service';
import { EndUserEntity } from './end-user.entity';

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;
/** Sign-in failures per account before a pause (as for administrators and developers). */
export const MAX_USER_FAILURES_PER_ACCOUNT = 5;
/** Sign-in failures per address before a pause: many accounts guessed from one place. */
export const MAX_USER_FAILURES_PER_ADDRESS = 30;

/** Why a person's sign-in was refused, for the audit trail (never shown: the page says only "wrong"). */
export type SignInFailure = 'invalid_credentials' | 'disabled' | 'locked';

export interface EndUserListQuery {
  search?: string;
  role?: EndUserRole;
  page?: number;
  limit?: number;
}

/** What an administrator may change on an account (the username is fixed: it is what the person types). */
export interface EndUserChanges {
  displayName?: string;
  email?: string | null;
  role?: EndUserRole;
  fhirUser?: string;
  enabled?: boolean;
  password?: string;
}

/** A verified end-user session and the account it belongs to. */
export interface EndUserSession {
  user: EndUserEntity;
  claims: SessionClaims;
}

/**
 * End users (patients and practitioners): accounts, passwords (scrypt) and password sign-in with throttling.
 * Sessions, the management API and demo seeding build on this.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly accountFailures: AttemptCounter;
  private readonly addressFailures: AttemptCounter;
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(EndUserEntity) private readonly repo: Repository<EndUserEntity>,
    private readonly sessions: SessionService,
    failures: SignInFailuresStore,
  ) {
    this.accountFailures = new AttemptCounter(
      failures,
      'user-account',
      MAX_USER_FAILURES_PER_ACCOUNT,
      FIFTEEN_MINUTES_MS,
    );
    this.addressFailures = new AttemptCounter(
      failures,
      'user-address',
      MAX_USER_FAILURES_PER_ADDRESS,
      FIFTEEN_MINUTES_MS,
    );
  }

  /** The API view; `links` are the person's external identities (federated sign-in), when the caller read them. */
  toUser(e: EndUserEntity, links: ExternalIdentity[] = []): EndUser {
    return {
      id: e.id,
      username: e.username,
      display_name: e.displayName,
      email: e.email,
      role: e.role as EndUserRole,
      fhir_user: e.fhirUser,
      enabled: e.enabled,
      external_identities: links,
      created_at: e.createdAt.toISOString(),
      updated_at: e.updatedAt.toISOString(),
    };
  }

  findById(id: string): Promise<EndUserEntity | null> {
    return id.length <= 36 ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  /** Accounts with this e-mail address (stored lower-cased; not unique), for federated linking. */
  findAllByEmail(email: string): Promise<EndUserEntity[]> {
    const address = email.trim().toLowerCase();
    return address.length <= 254 ? this.repo.find({ where: { email: address }, take: 2 }) : Promise.resolve([]);
  }

  findByUsername(username: string): Promise<EndUserEntity | null> {
    const name = normaliseUsername(username);
    return name.length <= 100 ? this.repo.findOneBy({ username: name }) : Promise.resolve(null);
  }

  /** Newest first; `search` matches username, display name or email (case-insensitive substring). */
  async list(query: EndUserListQuery): Promise<Page<EndUser>> {
    const page = query.page ?? 1;
    const limit = query.limit ?? 20;
    const qb = this.repo.createQueryBuilder('u');
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.search) {
      const like = `%${query.search.toLowerCase().replace(/[!%_]/g, (m) => '!' + m)}%`;
      qb.andWhere(
        new Brackets((w) => {
          w.where("u.username LIKE :like ESCAPE '!'", { like })
            .orWhere("LOWER(u.display_name) LIKE :like ESCAPE '!'", { like })
            .orWhere("u.email LIKE :like ESCAPE '!'", { like });
        }),
      );
    }
    qb.orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'ASC')
      .skip((page - 1) * limit)
      .take(limit);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map((r) => this.toUser(r)), total };
  }

  /** The account, or a 404 `user_not_found`. */
  async require(id: string): Promise<EndUserEntity> {
    const user = await this.findById(id);
    if (!user) throw notFound('user_not_found', `No user with id "${id.slice(0, 64)}"`);
    return user;
  }

  /** Creates an account; a taken username is a 409 with a field error. */
  async create(request: CreateEndUserRequest): Promise<EndUserEntity> {
    const entity = this.repo.create({
      id: randomUUID(),
      username: normaliseUsername(request.username),
      displayName: request.display_name.trim(),
      email: request.email ? request.email.trim().toLowerCase() : null,
      role: request.role,
      fhirUser: request.fhir_user,
      passwordHash: await hashPassword(request.password),
      enabled: request.enabled ?? true,
      sessionsValidAfter: null,
    });
    if (await this.repo.existsBy({ username: entity.username })) throw usernameTaken();
    try {
      await this.repo.insert(entity);
    } catch (e) {
      // Two creations of one username at once: the unique index decides.
      if (e instanceof QueryFailedError && /unique|duplicate/i.test(e.message)) throw usernameTaken();
      throw e;
    }
    this.logger.log(`End user ${entity.id} created`);
    return this.repo.findOneByOrFail({ id: entity.id });
  }

  /**
   * Changes an account. A new password or disabling the account ends the person's sessions (NIST SP 800-63B
   * §7.1: a session must not outlive the credential or the account it was started with).
   */
  async update(id: string, changes: EndUserChanges): Promise<EndUserEntity> {
    const user = await this.require(id);
    const patch: Partial<EndUserEntity> = {};
    if (changes.displayName !== undefined) patch.displayName = changes.displayName.trim();
    if (changes.email !== undefined) patch.email = changes.email ? changes.email.trim().toLowerCase() : null;
    if (changes.role !== undefined) patch.role = changes.role;
    if (changes.fhirUser !== undefined) patch.fhirUser = changes.fhirUser;
    if (changes.enabled !== undefined) patch.enabled = changes.enabled;
    if (changes.password !== undefined) patch.passwordHash = await hashPassword(changes.password);
    const endSessions = changes.password !== undefined || (changes.enabled === false && user.enabled);
    if (endSessions) patch.sessionsValidAfter = new Date();
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    if (endSessions) await this.sessions.revokeAllFor(END_USER_SESSION, id);
    // A new password starts a fresh count: the administrator has just vouched for the account.
    if (changes.password !== undefined) await this.accountFailures.reset(user.username);
    return this.require(id);
  }

  /** Deletes an account and ends its sessions. */
  async remove(id: string): Promise<void> {
    await this.require(id);
    await this.sessions.revokeAllFor(END_USER_SESSION, id);
    await this.repo.delete({ id });
    this.logger.log(`End user ${id} deleted`);
  }

  /** "Sign out everywhere": every session started before now ends, recorded or not. Returns how many were live. */
  async signOutEverywhere(id: string): Promise<number> {
    await this.require(id);
    await this.repo.update({ id }, { sessionsValidAfter: new Date() });
    return this.sessions.revokeAllFor(END_USER_SESSION, id);
  }

  /**
   * Verifies an end user's session (END_USER_SESSION): signature, audience, expiry and revocation, and that the
   * account still exists, is enabled and was not signed out everywhere after the session began. Throws JwtRejected.
   */
  async verifySession(token: string): Promise<EndUserSession> {
    const claims = await this.sessions.verify(END_USER_SESSION, token);
    const user = await this.findById(claims.sub);
    if (!user) throw new JwtRejected('no_account', 'The account no longer exists');
    if (!user.enabled) throw new JwtRejected('disabled', 'This account is disabled');
    if (user.sessionsValidAfter && !issuedAfter(claims.iat, user.sessionsValidAfter))
      throw new JwtRejected('revoked', 'The session has ended');
    return { user, claims };
  }

  /** Whether `password` is the account's password (no throttling: for the server's own checks, not sign-in). */
  hasPassword(user: EndUserEntity, password: string): Promise<boolean> {
    return user.passwordHash ? verifyPassword(password, user.passwordHash) : Promise.resolve(false);
  }

  /**
   * Password sign-in. Throws a 401 DomainError (`invalid_credentials`, with the audit reason) or a 429
   * (`too_many_attempts`, with Retry-After); an unknown username costs a KDF run too, so timing does not reveal
   * which accounts exist.
   */
  async authenticate(username: string, password: string, ip: string): Promise<EndUserEntity> {
    const name = normaliseUsername(username);
    const wait = Math.max(await this.accountFailures.retryAfter(name), await this.addressFailures.retryAfter(ip));
    if (wait > 0) {
      throw new DomainError(429, 'too_many_attempts', 'Too many failed sign-ins; try again later', {
        headers: { 'retry-after': String(wait) },
        auditReason: 'locked',
      });
    }
    const user = name.length <= 100 ? await this.repo.findOneBy({ username: name }) : null;
    const ok =
      user?.passwordHash != null
        ? await verifyPassword(password, user.passwordHash)
        : await verifyPassword(password, await this.getDummyHash()).then(() => false);
    if (!ok || !user) {
      await this.accountFailures.hit(name);
      await this.addressFailures.hit(ip);
      throw new DomainError(401, 'invalid_credentials', 'Wrong username or password', {
        auditReason: 'invalid_credentials',
      });
    }
    if (!user.enabled) {
      throw new DomainError(401, 'invalid_credentials', 'This account is disabled', { auditReason: 'disabled' });
    }
    await this.accountFailures.reset(name);
    return user;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

function usernameTaken(): DomainError {
  return new DomainError(409, 'username_taken', 'A user with this username exists already', {
    fieldErrors: [{ field: 'username', message: 'A user with this username exists already' }],
  });
}

/** Usernames compare case-insensitively. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}
