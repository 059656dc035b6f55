import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are server-generated with 256 bits of entropy, so a keyed hash (HMAC-SHA-256 with a server-side
 * pepper) stores them safely at microsecond cost; a password KDF would only slow the token endpoint (DESIGN.md §Secrets).
 */
export function generateClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

export function hashClientSecret(secret: string, pepper: Buffer): string {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function verifyClientSecret(secret: string, storedHash: string | null, pepper: Buffer): boolean {
  const expected = Buffer.from(storedHash ?? '0'.repeat(64), 'hex');
  const actual = Buffer.from(hashClientSecret(secret, pepper), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) && storedHash !== null;
}
