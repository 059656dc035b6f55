import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { LoginResponse } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/errors/domain-error';
import type { AdminPrincipal } from '../common/http/request-context';
import { JwtRejected } from '../auth/keys/keys.service';
import { AttemptCounter } from '../common/security/attempt-counter';
import { SignInFailuresStore } from '../common/security/sign-in-failures.store';
import { adminSessionKind } from '../sessions/session-kinds';
import { SessionKind, SessionService } from '../sessions/session.service';
import { AdminUserEntity } from './admin-user.entity';
import { hashPassword, verifyPassword } from './password-hash';
import { isDatabaseUnavailable } from '../common/errors/database-unavailable';

const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Sign-in failures per account before a pause. */
export const MAX_ADMIN_FAILURES = 5;

/**
 * Administrators: the bootstrap account from ADMIN_USERNAME / ADMIN_PASSWORD (or, in demo mode, a generated password
 * printed once), password sign-in, and session tokens (RS256 JWTs for `PUBLIC_URL/api`, revocable like access tokens).
 */
@Injectable()
export class AdminUsersService implements OnModuleInit {
  private readonly logger = new Logger(AdminUsersService.name);
  private readonly failures: AttemptCounter;
  private readonly kind: SessionKind;
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(AdminUserEntity) private readonly repo: Repository<AdminUserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionService,
    failures: SignInFailuresStore,
  ) {
    this.failures = new AttemptCounter(failures, 'admin-account', MAX_ADMIN_FAILURES, FAILURE_WINDOW_MS);
    this.kind = adminSessionKind(config.adminSessionTtlSeconds);
  }

  async onModuleInit(): Promise<void> {
    const username = this.config.adminUsername;
    const existing = await this.repo.findOneBy({ username });
    if (this.config.adminPassword) {
      if (!existing) {
        await this.repo
          .createQueryBuilder()
          .insert()
          .values({ username, passwordHash: await hashPassword(this.config.adminPassword), role: 'admin' })
          // Another instance starting at the same moment may have just created it, with the same password.
          .orIgnore()
          .execute();
      } else if (!(await verifyPassword(this.config.adminPassword, existing.passwordHash))) {
        // ADMIN_PASSWORD is the operator's word on the bootstrap account's password.
        await this.repo.update({ username }, { passwordHash: await hashPassword(this.config.adminPassword) });
      }
      return;
    }
    if (!existing && this.config.demoMode) {
      const password = randomBytes(18).toString('base64url');
      const passwordHash = await hashPassword(password);
      await this.repo
        .createQueryBuilder()
        .insert()
        .values({ username, passwordHash, role: 'admin' })
        .orIgnore()
        .execute();
      // Two demo instances starting at once: the one whose row landed prints its password, the other nothing.
      if ((await this.repo.findOneBy({ username }))?.passwordHash !== passwordHash) return;
      // Printed once, to the console only (not the structured log), so the demo can be signed in to.
      process.stdout.write(
        `\n  Demo administrator created. Sign in at ${this.config.publicUrl}/admin\n    username: ${username}\n    password: ${password}\n  (shown only now; set ADMIN_PASSWORD to choose it)\n\n`,
      );
    }
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    const key = username.toLowerCase();
    const retry = await this.failures.retryAfter(key);
    if (retry > 0) {
      throw new DomainError(429, 'too_many_attempts', 'Too many failed sign-ins; try again later', {
        headers: { 'retry-after': String(retry) },
      });
    }
    const user = username.length <= 100 ? await this.repo.findOneBy({ username }) : null;
    // An unknown user costs a KDF run too, so timing does not reveal which usernames exist.
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await this.getDummyHash()).then(() => false);
    if (!ok || !user) {
      await this.failures.hit(key);
      throw new DomainError(401, 'invalid_credentials', 'Wrong username or password', {
        auditReason: 'invalid_credentials',
      });
    }
    await this.failures.reset(key);
    return this.issueSession(user);
  }

  /** Whether an administrator account with this username exists (federated sign-in never creates one). */
  async exists(username: string): Promise<boolean> {
    return username.length <= 100 && (await this.repo.existsBy({ username }));
  }

  /** A session for an existing administrator a federated sign-in allowed; null if there is no such account. */
  async federatedSession(username: string): Promise<LoginResponse | null> {
    const user = username.length <= 100 ? await this.repo.findOneBy({ username }) : null;
    return user ? this.issueSession(user) : null;
  }

  async logout(principal: AdminPrincipal & { jti: string }): Promise<void> {
    await this.sessions.revoke(principal.jti);
  }

  /** Verifies an administrator session token; throws 401 otherwise. */
  async verifySession(token: string): Promise<AdminPrincipal & { jti: string }> {
    try {
      const claims = await this.sessions.verify(this.kind, token);
      return { username: claims.sub, role: 'admin', jti: claims.jti };
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw e;
      const reason = e instanceof JwtRejected ? e.reason : 'malformed';
      throw new DomainError(401, 'invalid_session', e instanceof JwtRejected ? e.message : 'Not signed in', {
        wwwAuthenticate: 'Bearer realm="ccri-admin", error="invalid_token"',
        auditReason: reason,
      });
    }
  }

  private async issueSession(user: AdminUserEntity): Promise<LoginResponse> {
    const session = await this.sessions.issue(this.kind, user.username, { role: user.role });
    this.logger.log(`Administrator ${user.username} signed in`);
    return { access_token: session.token, token_type: 'Bearer', expires_in: session.expiresIn };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
