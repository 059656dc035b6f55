import { createPrivateKey, KeyObject, sign as cryptoSign } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  JWK,
  JWTPayload,
  jwtVerify,
  type CryptoKey,
} from 'jose';
import { Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ClusterLockService } from '../../cluster/cluster-lock.service';
import { isDatabaseUnavailable } from '../../common/errors/database-unavailable';
import { KeyEncryption } from './key-encryption';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningPool } from './signing-pool';

export const SIGNING_ALG = 'RS256';
/** Unknown `kid`s trigger at most one reload per this interval (keys made by another instance). */
const RELOAD_INTERVAL_MS = 1000;
/** How often each instance re-reads the key table (a rotation made elsewhere) and checks the rotation schedule. */
const MAINTENANCE_MS = 30_000;
/** Key creation and rotation run under this cluster-wide lease, so two instances never retire each other's new key. */
const KEYS_LOCK = 'signing-keys';
const KEYS_LOCK_OPTIONS = { leaseMs: 30_000, waitMs: 30_000 };
/** A retired key stays in the JWKS this long: the longest token lifetime a client may have, plus clock skew. */
export const RETIRED_KEY_GRACE_SECONDS = 86_400 + 300;

interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The server's signing keys: generated at first start, kept in the database, shared by all instances.
 * Verification keys are imported once and cached by `kid`; nothing outside our own key table is ever trusted
 * (so `jku`, `x5u` and embedded `jwk` headers are never read).
 */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(KeysService.name);
  private active: ActiveKey | null = null;
  private readonly verificationKeys = new Map<string, CryptoKey>();
  private jwksCache: { keys: JWK[] } | null = null;
  private lastReload = 0;
  private pendingReload: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly encryption: KeyEncryption;
  private readonly pool: SigningPool | null;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lock: ClusterLockService,
  ) {
    this.encryption = new KeyEncryption(config.secretPepper);
    this.pool = config.signingWorkers > 0 ? new SigningPool(config.signingWorkers) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (!this.active) {
      // Two instances starting on an empty database at once: the first creates the key, the other then reads it.
      await this.lock.withLock(KEYS_LOCK, KEYS_LOCK_OPTIONS, async () => {
        await this.reload();
        if (!this.active) await this.createKey();
      });
      await this.reload();
      if (!this.active) throw new Error('No active signing key: another instance holds the key lock');
    }
    this.timer = setInterval(() => void this.maintain(), MAINTENANCE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The signing workers stop only after the HTTP server has closed, so requests still in flight get their tokens. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }

  /** Picks up keys rotated elsewhere, and rotates on schedule (KEY_ROTATION_DAYS). */
  private async maintain(): Promise<void> {
    try {
      await this.reload();
      if (!(await this.rotationDue())) return;
      // Every instance sees the key age out at about the same moment; the lease lets one rotate, and the others,
      // checking again once they hold it, find a fresh key and leave it alone.
      await this.lock.withLock(KEYS_LOCK, KEYS_LOCK_OPTIONS, async () => {
        if (await this.rotationDue()) await this.rotateHoldingLock('scheduled');
      });
      await this.reload();
    } catch (e) {
      this.logger.warn(`Key maintenance failed: ${(e as Error).message}`);
    }
  }

  get activeKid(): string {
    if (!this.active) throw new Error('No active signing key');
    return this.active.kid;
  }

  /**
   * Signs a JWT (RFC 7515 compact serialisation) with the active key: RS256, `kid` in the header.
   * The RSA work runs in the signing pool's worker threads (SIGNING_WORKERS, one per core by default): in Node 20
   * both WebCrypto and node:crypto sign on the calling thread, which would confine issuance to one core.
   */
  async sign(payload: Record<string, unknown>, typ: string): Promise<{ token: string; kid: string }> {
    const key = this.active;
    if (!key) throw new Error('No active signing key');
    const header = Buffer.from(JSON.stringify({ alg: SIGNING_ALG, kid: key.kid, typ })).toString('base64url');
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = this.pool
      ? await this.pool.sign(key.kid, input)
      : cryptoSign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    return { token: `${input}.${signature}`, kid: key.kid };
  }

  /**
   * The verification key for `kid`, or null when no key of ours has that id. An unknown `kid` may be a key another
   * instance has just made: the key table is read again, at most once per second however many unknown ids arrive
   * (requests meanwhile wait for that one read rather than being refused).
   */
  async verificationKey(kid: string): Promise<CryptoKey | null> {
    const cached = this.verificationKeys.get(kid);
    if (cached) return cached;
    await this.reloadSoon();
    return this.verificationKeys.get(kid) ?? null;
  }

  private reloadSoon(): Promise<void> {
    this.pendingReload ??= (async () => {
      try {
        const wait = this.lastReload + RELOAD_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await this.reload();
      } finally {
        this.pendingReload = null;
      }
    })();
    return this.pendingReload;
  }

  /** RFC 7517 JWK Set of the public keys that may still have live tokens. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (!this.jwksCache || Date.now() - this.lastReload >= 60_000) {
      // During a database outage the keys last read are still the right answer (none can rotate meanwhile).
      await this.reload().catch((e: unknown) => {
        if (!this.jwksCache || !isDatabaseUnavailable(e)) throw e;
      });
    }
    return this.jwksCache!;
  }

  /** True when the newest active key is older than KEY_ROTATION_DAYS. */
  private async rotationDue(): Promise<boolean> {
    const days = this.config.keyRotationDays;
    if (days <= 0) return false;
    const newest = (await this.repo.find({ where: { status: 'active' }, order: { createdAt: 'DESC' }, take: 1 }))[0];
    return newest !== undefined && Date.now() - newest.createdAt.getTime() > days * 86_400_000;
  }

  /**
   * Makes a new key active; the old one is retired but stays in the JWKS until its tokens have expired. Rotations
   * on several instances at once run one after the other (each under the cluster lease).
   */
  async rotate(): Promise<string> {
    const result = await this.lock.withLock(KEYS_LOCK, KEYS_LOCK_OPTIONS, () => this.rotateHoldingLock('requested'));
    if (!result.ran) throw new Error('Another instance is rotating the signing key; try again');
    return result.value;
  }

  private async rotateHoldingLock(why: 'scheduled' | 'requested'): Promise<string> {
    if (why === 'scheduled')
      this.logger.log(`The signing key is older than ${this.config.keyRotationDays} days; rotating`);
    const kid = await this.createKey();
    const now = new Date();
    await this.repo
      .createQueryBuilder()
      .update()
      .set({
        status: 'retired',
        retiredAt: now,
        removeAfter: new Date(now.getTime() + RETIRED_KEY_GRACE_SECONDS * 1000),
      })
      .where('status = :active AND kid <> :kid', { active: 'active', kid })
      .execute();
    await this.reload();
    return kid;
  }

  /**
   * Verifies a JWT we issued: RS256 only, a `kid` naming one of our keys, our issuer, the expected audience and
   * `typ`, `exp`/`nbf` (RFC 7519 §4.1) with 5 s of clock tolerance. Throws JwtRejected with a short reason.
   */
  async verify(token: string, expected: { audience: string; typ: string }): Promise<JWTPayload> {
    if (token.length > MAX_JWT_LENGTH) throw new JwtRejected('oversize', 'The token is too large');
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          if (header.alg !== SIGNING_ALG)
            throw new JwtRejected('alg_not_allowed', `Algorithm ${String(header.alg)} is not accepted`);
          if (typeof header.kid !== 'string') throw new JwtRejected('no_kid', 'The token names no signing key');
          const key = await this.verificationKey(header.kid);
          if (!key) throw new JwtRejected('unknown_key', 'The token was not signed by a key of this server');
          return key;
        },
        {
          algorithms: [SIGNING_ALG],
          issuer: this.config.publicUrl,
          audience: expected.audience,
          typ: expected.typ,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: 5,
        },
      );
      return payload;
    } catch (e) {
      // An unknown kid whose key could not be looked up is an outage (503), not a bad token (401).
      if (isDatabaseUnavailable(e)) throw e;
      throw toJwtRejected(e);
    }
  }

  async list(): Promise<SigningKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  private async createKey(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    await this.repo.insert({
      kid,
      alg: SIGNING_ALG,
      publicJwk: JSON.stringify({ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }),
      privatePem: this.encryption.encrypt(await exportPKCS8(privateKey)),
      status: 'active',
      retiredAt: null,
      removeAfter: null,
    });
    this.logger.log(`Generated signing key ${kid}`);
    return kid;
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.repo.find({ order: { createdAt: 'DESC' } }).catch((e: unknown) => {
      // A failed read (database outage) must not make the next unknown kid look like "no such key" (a 401).
      this.lastReload = 0;
      throw e;
    });
    const now = Date.now();
    const live = rows.filter((r) => r.status === 'active' || !r.removeAfter || r.removeAfter.getTime() > now);
    const keys: JWK[] = [];
    for (const row of live) {
      const jwk = JSON.parse(row.publicJwk) as JWK;
      keys.push(jwk);
      if (!this.verificationKeys.has(row.kid)) {
        this.verificationKeys.set(row.kid, (await importJWK(jwk, SIGNING_ALG)) as CryptoKey);
      }
    }
    for (const kid of [...this.verificationKeys.keys()]) {
      if (!live.some((r) => r.kid === kid)) this.verificationKeys.delete(kid);
    }
    this.jwksCache = { keys };
    const newest = rows.find((r) => r.status === 'active');
    if (newest && newest.kid !== this.active?.kid) {
      const pem = this.encryption.decrypt(newest.privatePem);
      this.pool?.addKey(newest.kid, pem);
      this.active = { kid: newest.kid, privateKey: createPrivateKey(pem) };
    }
  }
}

/** Tokens larger than this are refused before any parsing. */
export const MAX_JWT_LENGTH = 8192;

/** Why a JWT was refused; `reason` goes to the audit trail and metrics, `message` to the client. */
export class JwtRejected extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function toJwtRejected(e: unknown): JwtRejected {
  if (e instanceof JwtRejected) return e;
  if (e instanceof errors.JWTExpired) return new JwtRejected('expired', 'The token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    const claim = e.claim;
    if (claim === 'aud') return new JwtRejected('wrong_audience', 'The token is not meant for this audience');
    if (claim === 'iss') return new JwtRejected('wrong_issuer', 'The token was not issued by this server');
    if (claim === 'nbf') return new JwtRejected('not_yet_valid', 'The token is not valid yet');
    if (claim === 'typ') return new JwtRejected('wrong_type', 'The token is of the wrong type');
    return new JwtRejected('invalid_claims', `The token's ${claim} claim is not acceptable`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed)
    return new JwtRejected('alg_not_allowed', 'The token algorithm is not accepted');
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return new JwtRejected('bad_signature', 'The token signature does not verify');
  return new JwtRejected('malformed', 'The token is not a valid JWT');
}
