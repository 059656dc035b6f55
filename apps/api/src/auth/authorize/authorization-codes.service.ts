import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { randomBytesPooled } from '../../common/crypto/random-pool';
import { AuthorizationCodeEntity } from './authorization-code.entity';

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED"; we allow 60 s. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export type NewAuthorizationCode = Omit<AuthorizationCodeEntity, 'codeHash' | 'expiresAt' | 'usedAt'>;

/** Why a redemption failed (the audit reason); the client is told only `invalid_grant`. */
export type CodeRejection =
  | 'unknown_code'
  | 'expired_code'
  | 'client_mismatch'
  | 'redirect_uri_mismatch'
  | 'pkce_missing'
  | 'pkce_mismatch'
  | 'code_reused';

export type Redemption =
  | { ok: true; code: AuthorizationCodeEntity }
  /** `grantId` is set for a reused code: what the first redemption issued must be revoked (RFC 6749 §4.1.2). */
  | { ok: false; reason: CodeRejection; grantId?: string };

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** RFC 7636 §4.6, S256 only: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const actual = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Authorization codes: issued by the authorization endpoint, redeemed once by the token endpoint. Only the code's
 * SHA-256 is stored, so a read of the table yields no usable code.
 */
@Injectable()
export class AuthorizationCodesService {
  constructor(@InjectRepository(AuthorizationCodeEntity) private readonly repo: Repository<AuthorizationCodeEntity>) {}

  /** Stores a new code and returns it (256 random bits, base64url). */
  async issue(code: NewAuthorizationCode): Promise<string> {
    const value = randomBytesPooled(32).toString('base64url');
    await this.repo.insert({
      ...code,
      codeHash: sha256Hex(value),
      expiresAt: new Date(Date.now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
      usedAt: null,
    });
    return value;
  }

  /**
   * Redeems a code for `clientId` (RFC 6749 §4.1.3): it must be known, unexpired, unused, issued to this client for
   * this `redirect_uri`, and `verifier` must match its PKCE challenge. The first redemption attempt by the right
   * client consumes the code whatever its outcome (a wrong verifier cannot be retried); a second one is a reuse.
   */
  async redeem(value: string, clientId: string, redirectUri: string | undefined, verifier: string | undefined) {
    const found = value.length <= 256 ? await this.repo.findOneBy({ codeHash: sha256Hex(value) }) : null;
    if (!found) return reject('unknown_code');
    if (found.clientId !== clientId) return reject('client_mismatch');
    if (found.usedAt) return { ok: false, reason: 'code_reused', grantId: found.grantId } satisfies Redemption;
    // Claim it before anything else can: of two concurrent redemptions exactly one updates the row.
    const claimed = await this.repo.update({ codeHash: found.codeHash, usedAt: IsNull() }, { usedAt: new Date() });
    if (!claimed.affected) return { ok: false, reason: 'code_reused', grantId: found.grantId } satisfies Redemption;
    if (found.expiresAt.getTime() <= Date.now()) return reject('expired_code');
    // RFC 6749 §4.1.3: redirect_uri is required when it was in the authorization request (it always is here).
    if (redirectUri !== found.redirectUri) return reject('redirect_uri_mismatch');
    if (!verifier) return reject('pkce_missing');
    if (!VERIFIER.test(verifier) || !pkceMatches(verifier, found.codeChallenge)) return reject('pkce_mismatch');
    return { ok: true, code: found } satisfies Redemption;
  }
}

function reject(reason: CodeRejection): Redemption {
  return { ok: false, reason };
}
