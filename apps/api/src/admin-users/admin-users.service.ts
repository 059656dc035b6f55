import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { LoginResponse } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/errors/domain-error';
import type { AdminPrincipal } from '../common/http/request-context';
import { JwtRejected, KeysService } from '../auth/keys/keys.service';
import { TokenStoreService } from '../auth/tokens/token-store.service';
import { AdminUserEntity } from './admin-user.entity';
import { hashPassword, verifyPassword } from './password-hash';
import { isDatabaseUnavailable } from '../database/database-unavailable';

export const ADMIN_SESSION_TYP = 'admin-session+jwt';
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;

/**
 * Administrators: the bootstrap account from ADMIN_USERNAME / ADMIN_PASSWORD (or, in demo mode, a generated password
 * printed once), password sign-in, and session tokens (RS256 JWTs for `PUBLIC_URL/api`, revocable like access tokens).
 */
@Injectable()
export class AdminUsersService implements OnModuleInit {
  private readonly logger = new Logger(AdminUsersService.name);
  private readonly failures = new Map<string, { count: number; first: number }>();
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(AdminUserEntity) private readonly repo: Repository<AdminUserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
    private readonly tokens: TokenStoreService,
  ) {}

  get audience(): string {
    return `${this.config.publicUrl}/api`;
  }

  async onModuleInit(): Promise<void> {
    const username = this.config.adminUsername;
    const existing = await this.repo.findOneBy({ username });
    if (this.config.adminPassword) {
      if (!existing) {
        await this.repo.insert({
          username,
          passwordHash: await hashPassword(this.config.adminPassword),
          role: 'admin',
        });
      } else if (!(await verifyPassword(this.config.adminPassword, existing.passwordHash))) {
        // ADMIN_PASSWORD is the operator's word on the bootstrap account's password.
        await this.repo.update({ username }, { passwordHash: await hashPassword(this.config.adminPassword) });
      }
      return;
    }
    if (!existing && this.config.demoMode) {
      const password = randomBytes(18).toString('base64url');
      await this.repo.insert({ username, passwordHash: await hashPassword(password), role: 'admin' });
      // Printed once, to the console only (not the structured log), so the demo can be signed in to.
      process.stdout.write(
        `\n  Demo administrator created. Sign in at ${this.config.publicUrl}/admin\n    username: ${username}\n    password: ${password}\n  (shown only now; set ADMIN_PASSWORD to choose it)\n\n`,
      );
    }
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    const key = username.toLowerCase();
    const f = this.failures.get(key);
    if (f && f.count >= MAX_FAILURES && Date.now() - f.first < FAILURE_WINDOW_MS) {
      const retry = Math.ceil((f.first + FAILURE_WINDOW_MS - Date.now()) / 1000);
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
      const now = Date.now();
      const entry = f && now - f.first < FAILURE_WINDOW_MS ? f : { count: 0, first: now };
      entry.count += 1;
      this.failures.set(key, entry);
      throw new DomainError(401, 'invalid_credentials', 'Wrong username or password', {
        auditReason: 'invalid_credentials',
      });
    }
    this.failures.delete(key);
    return this.issueSession(user);
  }

  async logout(principal: AdminPrincipal & { jti: string }): Promise<void> {
    await this.tokens.revoke(principal.jti);
  }

  /** Verifies an administrator session token; throws 401 otherwise. */
  async verifySession(token: string): Promise<AdminPrincipal & { jti: string }> {
    try {
      const payload = await this.keys.verify(token, { audience: this.audience, typ: ADMIN_SESSION_TYP });
      if (this.tokens.isRevoked(payload.jti!)) throw new JwtRejected('revoked', 'The session has ended');
      return { username: payload.sub!, role: 'admin', jti: payload.jti! };
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
    const now = Math.floor(Date.now() / 1000);
    const ttl = this.config.adminSessionTtlSeconds;
    const jti = randomUUID();
    const { token, kid } = await this.keys.sign(
      {
        iss: this.config.publicUrl,
        aud: this.audience,
        sub: user.username,
        role: user.role,
        jti,
        iat: now,
        exp: now + ttl,
      },
      ADMIN_SESSION_TYP,
    );
    await this.tokens.record({
      jti,
      kind: 'admin_session',
      clientId: user.username,
      scope: 'admin',
      patient: null,
      kid,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date((now + ttl) * 1000),
    });
    this.logger.log(`Administrator ${user.username} signed in`);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
