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
import type { SigningKeyUse } from '@ccri/contracts';
import { SIGNING_ALGS, type AppConfig, type SigningAlg } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ClusterLockService } from '../../cluster/cluster-lock.service';
import { isDatabaseUnavailable } from '../../common/errors/database-unavailable';
import { JWS_SIGN_PARAMETERS, keyPairOptions } from './jws-algorithms';
import { KeyEncryption } from './key-encryption';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningPool } from './signing-pool';

/**
 * OpenID Connect Core §15.1 and Discovery §3: id_tokens are signed with RS256 (what every relying party accepts by
 * default), whatever ACCESS_TOKEN_SIGNING_ALG says; the discovery documents say so.
 */
export const ID_TOKEN_SIGNING_ALG: SigningAlg = 'RS256';
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
  alg: SigningAlg;
  privateKey: KeyObject;
}

/** A published key, imported for verification. */
interface VerificationKey {
  key: CryptoKey;
  alg: SigningAlg;
  /**
   * Whether the server's own JWTs (access tokens, sessions, interactions) signed by it are accepted: keys of
   * ACCESS_TOKEN_SIGNING_ALG, and retired keys still published (tokens signed before a rotation or before the
   * algorithm was changed stay valid until they expire). The active RS256 key that signs only id_tokens is not.
   */
  accepted: boolean;
}

/**
 * The server's signing keys: generated at first start, kept in the database, shared by all instances. One active key
 * per algorithm the server signs with: ACCESS_TOKEN_SIGNING_ALG (access tokens and the server's other JWTs) and,
 * when that is not RS256, an RS256 key for id_tokens. Verification keys are imported once and cached by `kid`; nothing outside our own key table is ever trusted
 * (so `jku`, `x5u` and embedded `jwk` headers are never read).
 */
@Injectable()
export class KeysService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(KeysService.name);
  private readonly active = new Map<SigningAlg, ActiveKey>();
  /** Algorithms of the active keys in the table, with their kids (keys to retire when the configuration changed). */
  private activeRows: { kid: string; alg: string }[] = [];
  private readonly verificationKeys = new Map<string, VerificationKey>();
  /** ACCESS_TOKEN_SIGNING_ALG. */
  readonly accessTokenAlg: SigningAlg;
  /** The algorithms that have an active key: the access-token one first. */
  private readonly signingAlgs: SigningAlg[];
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
    this.accessTokenAlg = config.accessTokenSigningAlg;
    this.signingAlgs = [...new Set([this.accessTokenAlg, ID_TOKEN_SIGNING_ALG])];
    this.pool = config.signingWorkers > 0 ? new SigningPool(config.signingWorkers) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (this.keysToChange()) {
      // Two instances starting on an empty database at once: the first creates the keys, the other then reads them.
      await this.lock.withLock(KEYS_LOCK, KEYS_LOCK_OPTIONS, async () => {
        await this.reload();
        if (this.keysToChange()) await this.matchConfigurationHoldingLock();
      });
      await this.reload();
      if (this.signingAlgs.some((alg) => !this.active.has(alg)))
        throw new Error('No active signing key: another instance holds the key lock');
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

  /** The kid of the key that signs access tokens. */
  get activeKid(): string {
    return this.activeKey(this.accessTokenAlg).kid;
  }

  private activeKey(alg: SigningAlg): ActiveKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`No active ${alg} signing key`);
    return key;
  }

  /**
   * Signs a JWT (RFC 7515 compact serialisation) with the active key of `alg` (ACCESS_TOKEN_SIGNING_ALG unless
   * named: id_tokens name RS256), `kid` in the header. The signature is made in the signing pool's worker threads
   * (SIGNING_WORKERS, one per core by default), so issuance uses every core. node:crypto's `sign` with a callback
   * would sign on libuv's thread pool instead; measured in the API, it served no more tokens and cost the event loop
   * more per token (its completions wake the loop one by one), so the pool stays.
   */
  async sign(
    payload: Record<string, unknown>,
    typ: string,
    alg: SigningAlg = this.accessTokenAlg,
  ): Promise<{ token: string; kid: string }> {
    const key = this.activeKey(alg);
    const header = Buffer.from(JSON.stringify({ alg, kid: key.kid, typ })).toString('base64url');
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const signature = this.pool ? await this.pool.sign(key.kid, input) : signInline(alg, input, key.privateKey);
    return { token: `${input}.${signature}`, kid: key.kid };
  }

  /**
   * The verification key for `kid`, or null when no key of ours has that id. An unknown `kid` may be a key another
   * instance has just made: the key table is read again, at most once per second however many unknown ids arrive
   * (requests meanwhile wait for that one read rather than being refused).
   */
  private async verificationKey(kid: string): Promise<VerificationKey | null> {
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

  /** True when an active key of an algorithm the server signs with is older than KEY_ROTATION_DAYS. */
  private async rotationDue(): Promise<boolean> {
    const days = this.config.keyRotationDays;
    if (days <= 0) return false;
    const active = await this.repo.find({ where: { status: 'active' } });
    return active.some(
      (k) => (this.signingAlgs as string[]).includes(k.alg) && Date.now() - k.createdAt.getTime() > days * 86_400_000,
    );
  }

  /**
   * True when the key table does not match the configuration: an algorithm the server signs with has no active key,
   * or an active key is of an algorithm it no longer signs with.
   */
  private keysToChange(): boolean {
    return (
      this.signingAlgs.some((alg) => !this.activeRows.some((r) => r.alg === alg)) ||
      this.activeRows.some((r) => !(this.signingAlgs as string[]).includes(r.alg))
    );
  }

  /**
   * Brings the key table in line with ACCESS_TOKEN_SIGNING_ALG (at start, holding the key lease). On a first start
   * it creates the keys. When the algorithm was changed (no active key of it), every active key is retired and a
   * fresh one made for each algorithm: the old access-token key, whatever its algorithm, goes on verifying the tokens
   * it signed until it leaves the JWKS, while an active RS256 key that signs only id_tokens is never accepted for
   * access tokens (so the RS256 key that signed access tokens before a change to ES256 must be a retired one).
   */
  private async matchConfigurationHoldingLock(): Promise<void> {
    const active = await this.repo.find({ where: { status: 'active' } });
    const algorithmChanged = active.length > 0 && !active.some((k) => k.alg === this.accessTokenAlg);
    const keep = algorithmChanged ? [] : active.filter((k) => (this.signingAlgs as string[]).includes(k.alg));
    if (algorithmChanged)
      this.logger.log(`ACCESS_TOKEN_SIGNING_ALG is now ${this.accessTokenAlg}; retiring the previous signing keys`);
    const made: string[] = [];
    for (const alg of this.signingAlgs) if (!keep.some((k) => k.alg === alg)) made.push(await this.createKey(alg));
    await this.retireActiveExcept([...keep.map((k) => k.kid), ...made]);
  }

  /** Retired keys stay in the JWKS (and verify) until the last token they signed has expired. */
  private async retireActiveExcept(kids: string[]): Promise<void> {
    const now = new Date();
    await this.repo
      .createQueryBuilder()
      .update()
      .set({
        status: 'retired',
        retiredAt: now,
        removeAfter: new Date(now.getTime() + RETIRED_KEY_GRACE_SECONDS * 1000),
      })
      .where('status = :active AND kid NOT IN (:...kids)', { active: 'active', kids })
      .execute();
  }

  /**
   * Makes a new key active for each algorithm the server signs with; the old ones are retired but stay in the JWKS
   * until their tokens have expired. Rotations on several instances at once run one after the other (each under the
   * cluster lease). Resolves to the kid of the new access-token key.
   */
  async rotate(): Promise<string> {
    const result = await this.lock.withLock(KEYS_LOCK, KEYS_LOCK_OPTIONS, () => this.rotateHoldingLock('requested'));
    if (!result.ran) throw new Error('Another instance is rotating the signing key; try again');
    return result.value;
  }

  private async rotateHoldingLock(why: 'scheduled' | 'requested'): Promise<string> {
    if (why === 'scheduled')
      this.logger.log(`The signing key is older than ${this.config.keyRotationDays} days; rotating`);
    const kids: string[] = [];
    for (const alg of this.signingAlgs) kids.push(await this.createKey(alg));
    await this.retireActiveExcept(kids);
    await this.reload();
    return kids[0];
  }

  /**
   * Verifies a JWT we issued: a `kid` naming one of our keys that is accepted for our JWTs (of
   * ACCESS_TOKEN_SIGNING_ALG, or retired and still published), `alg` that key's own algorithm, our issuer, the
   * expected audience and `typ`, `exp`/`nbf` (RFC 7519 §4.1) with 5 s of clock tolerance. Throws JwtRejected with a
   * short reason.
   */
  async verify(token: string, expected: { audience: string; typ: string }): Promise<JWTPayload> {
    if (token.length > MAX_JWT_LENGTH) throw new JwtRejected('oversize', 'The token is too large');
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          if (!(SIGNING_ALGS as readonly string[]).includes(header.alg))
            throw new JwtRejected('alg_not_allowed', `Algorithm ${String(header.alg)} is not accepted`);
          if (typeof header.kid !== 'string') throw new JwtRejected('no_kid', 'The token names no signing key');
          const key = await this.verificationKey(header.kid);
          if (!key) throw new JwtRejected('unknown_key', 'The token was not signed by a key of this server');
          if (header.alg !== key.alg || !key.accepted)
            throw new JwtRejected('alg_not_allowed', `Algorithm ${header.alg} is not accepted`);
          return key.key;
        },
        {
          algorithms: [...SIGNING_ALGS],
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

  /** What the key `kid` signs now: nothing unless it is the active key of an algorithm the server signs with. */
  uses(kid: string): SigningKeyUse[] {
    const uses: SigningKeyUse[] = [];
    if (this.active.get(this.accessTokenAlg)?.kid === kid) uses.push('access_tokens');
    if (this.active.get(ID_TOKEN_SIGNING_ALG)?.kid === kid) uses.push('id_tokens');
    return uses;
  }

  async list(): Promise<SigningKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  private async createKey(alg: SigningAlg): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(alg, keyPairOptions(alg));
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    await this.repo.insert({
      kid,
      alg,
      publicJwk: JSON.stringify({ ...jwk, kid, alg, use: 'sig' }),
      privatePem: this.encryption.encrypt(await exportPKCS8(privateKey)),
      status: 'active',
      retiredAt: null,
      removeAfter: null,
    });
    this.logger.log(`Generated ${alg} signing key ${kid}`);
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
    const live = rows.filter(
      (r) => isSigningAlg(r.alg) && (r.status === 'active' || !r.removeAfter || r.removeAfter.getTime() > now),
    );
    const keys: JWK[] = [];
    for (const row of live) {
      const alg = row.alg as SigningAlg;
      const jwk = JSON.parse(row.publicJwk) as JWK;
      keys.push(jwk);
      const accepted = alg === this.accessTokenAlg || row.status === 'retired';
      const cached = this.verificationKeys.get(row.kid);
      if (cached) cached.accepted = accepted;
      else this.verificationKeys.set(row.kid, { key: (await importJWK(jwk, alg)) as CryptoKey, alg, accepted });
    }
    for (const kid of [...this.verificationKeys.keys()]) {
      if (!live.some((r) => r.kid === kid)) this.verificationKeys.delete(kid);
    }
    this.jwksCache = { keys };
    this.activeRows = rows.filter((r) => r.status === 'active').map((r) => ({ kid: r.kid, alg: r.alg }));
    for (const alg of this.signingAlgs) {
      // Rows come newest first: the newest active key of each algorithm signs.
      const newest = rows.find((r) => r.status === 'active' && r.alg === alg);
      if (!newest || newest.kid === this.active.get(alg)?.kid) continue;
      const pem = this.encryption.decrypt(newest.privatePem);
      this.pool?.addKey(newest.kid, pem, alg);
      this.active.set(alg, { kid: newest.kid, alg, privateKey: createPrivateKey(pem) });
    }
  }
}

function isSigningAlg(alg: string): alg is SigningAlg {
  return (SIGNING_ALGS as readonly string[]).includes(alg);
}

/** A JWS signature on the calling thread (SIGNING_WORKERS=0). */
function signInline(alg: SigningAlg, input: string, privateKey: KeyObject): string {
  const { digest, ...options } = JWS_SIGN_PARAMETERS[alg];
  return cryptoSign(digest, Buffer.from(input), { key: privateKey, ...options }).toString('base64url');
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
