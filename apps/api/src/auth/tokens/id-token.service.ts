import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ID_TOKEN_SIGNING_ALG, KeysService } from '../keys/keys.service';

/** OpenID Connect Core §2: the id_token is a plain signed JWT. */
export const ID_TOKEN_TYP = 'JWT';

export interface IdTokenRequest {
  clientId: string;
  userId: string;
  /** Seconds since the epoch. */
  authTime: number;
  nonce?: string | null;
  /** Absolute URL of the person's FHIR resource (SMART `fhirUser`), when that scope was granted. */
  fhirUser?: string;
  /** The person's display name, when `profile` was granted. */
  name?: string;
  accessToken: string;
  ttlSeconds: number;
}

/**
 * OpenID Connect id_tokens, signed through KeysService with its RS256 key (`kid` of our JWKS) whatever
 * ACCESS_TOKEN_SIGNING_ALG says: RS256 is what discovery advertises and what relying parties accept by default.
 */
@Injectable()
export class IdTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
  ) {}

  async sign(request: IdTokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.config.publicUrl,
      sub: request.userId,
      aud: request.clientId,
      exp: now + request.ttlSeconds,
      iat: now,
      auth_time: request.authTime,
      at_hash: atHash(request.accessToken),
    };
    if (request.nonce) claims.nonce = request.nonce;
    if (request.fhirUser) claims.fhirUser = request.fhirUser;
    if (request.name) claims.name = request.name;
    return (await this.keys.sign(claims, ID_TOKEN_TYP, ID_TOKEN_SIGNING_ALG)).token;
  }
}

/** OpenID Connect Core §3.1.3.6: base64url of the left half of the SHA-256 of the access token (RS256). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}
