import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { oauthError } from '../../common/errors/domain-error';
import type { ClientEntity } from '../../clients/client.entity';

const FETCH_TIMEOUT_MS = 3000;
const MAX_JWKS_BYTES = 64 * 1024;
const CACHE_MS = 5 * 60 * 1000;

/**
 * The public keys a private_key_jwt client signs with: its inline JWK Set, or its `jwks_uri`, fetched only from
 * hosts an administrator allowed (JWKS_URI_ALLOWED_HOSTS), with a timeout and a size cap, and cached for 5 minutes.
 */
@Injectable()
export class ClientJwksService {
  private readonly cache = new Map<string, { keys: JWTVerifyGetKey; at: number }>();
  private readonly inline = new Map<string, JWTVerifyGetKey>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async keySet(client: ClientEntity): Promise<JWTVerifyGetKey> {
    if (client.jwks) {
      // Keyed by the registered JSON itself, so an update of the client's keys is a new entry.
      const hit = this.inline.get(client.jwks);
      if (hit) return hit;
      const keys = createLocalJWKSet(JSON.parse(client.jwks) as JSONWebKeySet);
      if (this.inline.size > 1000) this.inline.clear();
      this.inline.set(client.jwks, keys);
      return keys;
    }
    if (!client.jwksUri)
      throw oauthError('invalid_client', 'The client has no registered keys', 401, { auditReason: 'no_client_keys' });
    const hit = this.cache.get(client.jwksUri);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.keys;
    const keys = createLocalJWKSet(await this.fetchJwks(client.jwksUri));
    this.cache.set(client.jwksUri, { keys, at: Date.now() });
    return keys;
  }

  /** Forgets a cached key set (after a signature failure, the client may have rotated its keys). */
  forget(client: ClientEntity): void {
    if (client.jwksUri) this.cache.delete(client.jwksUri);
  }

  private async fetchJwks(uri: string): Promise<JSONWebKeySet> {
    const url = new URL(uri);
    if (!this.config.jwksUriAllowedHosts.includes(url.host.toLowerCase())) {
      throw oauthError(
        'invalid_client',
        `Keys are not fetched from ${url.host}: the host is not on the allow-list`,
        401,
        { auditReason: 'jwks_uri_host_not_allowed' },
      );
    }
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        redirect: 'error',
        headers: { accept: 'application/json' },
      });
    } catch {
      throw oauthError('invalid_client', "The client's jwks_uri could not be fetched", 401, {
        auditReason: 'jwks_uri_unreachable',
      });
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (!response.ok || declared > MAX_JWKS_BYTES || !response.body) {
      throw oauthError('invalid_client', "The client's jwks_uri did not answer with a key set", 401, {
        auditReason: 'jwks_uri_bad_response',
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_JWKS_BYTES)
        throw oauthError('invalid_client', "The client's key set is too large", 401, {
          auditReason: 'jwks_uri_too_large',
        });
      chunks.push(Buffer.from(chunk));
    }
    try {
      const jwks = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet;
      if (!Array.isArray(jwks.keys)) throw new Error('no keys');
      return jwks;
    } catch {
      throw oauthError('invalid_client', "The client's jwks_uri did not answer with a key set", 401, {
        auditReason: 'jwks_uri_bad_response',
      });
    }
  }
}
