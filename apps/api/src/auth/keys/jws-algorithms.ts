import { constants } from 'node:crypto';
import type { SigningAlg } from '../../config/app-config';

/** How node:crypto's `sign` makes a JWS signature of each algorithm the server signs with. */
export interface JwsSignParameters {
  /** The digest passed to `crypto.sign` (null for EdDSA, which hashes internally). */
  digest: 'sha256' | 'sha384' | null;
  /** RSASSA-PSS (RFC 7518 §3.5): PSS padding, salt as long as the digest. */
  padding?: number;
  saltLength?: number;
  /** ECDSA (RFC 7518 §3.4): R || S, not DER. */
  dsaEncoding?: 'ieee-p1363';
}

export const JWS_SIGN_PARAMETERS: Record<SigningAlg, JwsSignParameters> = {
  RS256: { digest: 'sha256' },
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  ES384: { digest: 'sha384', dsaEncoding: 'ieee-p1363' },
  // RFC 8037 §3.1: Ed25519 keys.
  EdDSA: { digest: null },
};

/** jose `generateKeyPair` options per algorithm: 2048-bit RSA, the curve the algorithm names, Ed25519 for EdDSA. */
export function keyPairOptions(alg: SigningAlg): { modulusLength?: number; crv?: string; extractable: true } {
  if (alg === 'RS256' || alg === 'PS256') return { modulusLength: 2048, extractable: true };
  if (alg === 'EdDSA') return { crv: 'Ed25519', extractable: true };
  return { extractable: true };
}
