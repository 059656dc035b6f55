import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { CreateEndUserRequest, EndUser, EndUserRole } from '@ccri/contracts';
import { DomainError } from '../common/errors/domain-error';
import { hashPassword, verifyPassword } from '../admin-users/password-hash';
import { AttemptCounter } from '../common/security/attempt-counter';
import { EndUserEntity } from './end-user.entity';

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;
/** Sign-in failures per account before a pause (as for administrators and developers). */
export const MAX_USER_FAILURES_PER_ACCOUNT = 5;
/** Sign-in failures per address before a pause: many accounts guessed from one place. */
export const MAX_USER_FAILURES_PER_ADDRESS = 30;

/** Why a person's sign-in was refused, for the audit trail (never shown: the page says only "wrong"). */
export type SignInFailure = 'invalid_credentials' | 'disabled' | 'locked';

/**
 * End users (patients and practitioners): accounts, passwords (scrypt) and password sign-in with throttling.
 * Sessions, the management API and demo seeding build on this.
 */
@Injectable()
export class UsersService {
  private readonly accountFailures = new AttemptCounter(MAX_USER_FAILURES_PER_ACCOUNT, FIFTEEN_MINUTES_MS);
  private readonly addressFailures = new AttemptCounter(MAX_USER_FAILURES_PER_ADDRESS, FIFTEEN_MINUTES_MS);
  private dummyHash: Promise<string> | null = null;

  constructor(@InjectRepository(EndUserEntity) private readonly repo: Repository<EndUserEntity>) {}

  toUser(e: EndUserEntity): EndUser {
    return {
      id: e.id,
      username: e.username,
      display_name: e.displayName,
      email: e.email,
      role: e.role as EndUserRole,
      fhir_user: e.fhirUser,
      enabled: e.enabled,
      external_identities: [],
      created_at: e.createdAt.toISOString(),
      updated_at: e.updatedAt.toISOString(),
    };
  }

  findById(id: string): Promise<EndUserEntity | null> {
    return id.length <= 36 ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByUsername(username: string): Promise<EndUserEntity | null> {
    const name = normaliseUsername(username);
    return name.length <= 100 ? this.repo.findOneBy({ username: name }) : Promise.resolve(null);
  }

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
    await this.repo.insert(entity);
    return this.repo.findOneByOrFail({ id: entity.id });
  }

  /**
   * Password sign-in. Throws a 401 DomainError (`invalid_credentials`, with the audit reason) or a 429
   * (`too_many_attempts`, with Retry-After); an unknown username costs a KDF run too, so timing does not reveal
   * which accounts exist.
   */
  async authenticate(username: string, password: string, ip: string): Promise<EndUserEntity> {
    const name = normaliseUsername(username);
    const wait = Math.max(this.accountFailures.retryAfter(name), this.addressFailures.retryAfter(ip));
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
      this.accountFailures.hit(name);
      this.addressFailures.hit(ip);
      throw new DomainError(401, 'invalid_credentials', 'Wrong username or password', {
        auditReason: 'invalid_credentials',
      });
    }
    if (!user.enabled) {
      throw new DomainError(401, 'invalid_credentials', 'This account is disabled', { auditReason: 'disabled' });
    }
    this.accountFailures.reset(name);
    return user;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

/** Usernames compare case-insensitively. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}
