import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { randomBytesPooled } from '../../common/crypto/random-pool';
import { KeysService } from '../keys/keys.service';

/** How long a person has to get from the app's redirect to the code (sign-in, picker, consent). */
export const INTERACTION_TTL_SECONDS = 600;
const INTERACTION_TYP = 'authorize-interaction+jwt';

/** Cookie names (Path=/auth, HttpOnly, SameSite=Lax; Secure when PUBLIC_URL is https). */
export const SESSION_COOKIE = 'ccri_session';
export const CSRF_COOKIE = 'ccri_csrf';

/**
 * The validated authorization request as it travels between the pages: signed with the server's keys (so a page
 * cannot alter the client, redirect_uri, scope or patient), short-lived, and bound to the browser that started it
 * (`bind` = SHA-256 of its CSRF cookie).
 */
export interface Interaction {
  client_id: string;
  client_name: string;
  redirect_uri: string;
  /** Space-separated scopes on offer (requested ∩ allowed); after consent, what the person allowed. */
  scope: string;
  state?: string;
  nonce?: string;
  code_challenge: string;
  prompt?: 'none' | 'login' | 'consent';
  max_age?: number;
  /** Patient in context: from an EHR launch or the practitioner's pick. */
  patient?: string;
  encounter?: string;
  /** Where the patient came from. */
  patient_source?: 'launch' | 'picked';
  /** The session (its jti) the person signed in with during this interaction (prompt=login, max_age). */
  sid?: string;
  /** Set once the person allowed: the grant the code is issued under. */
  grant_id?: string;
  bind: string;
}

export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Constant-time string equality. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

@Injectable()
export class InteractionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
  ) {}

  private get audience(): string {
    return `${this.config.publicUrl}/auth/authorize`;
  }

  get secureCookies(): boolean {
    return this.config.publicUrl.startsWith('https:');
  }

  newCsrfToken(): string {
    return randomBytesPooled(32).toString('base64url');
  }

  async sign(interaction: Interaction): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await this.keys.sign(
      {
        ...interaction,
        iss: this.config.publicUrl,
        aud: this.audience,
        sub: interaction.client_id,
        jti: randomUUID(),
        iat: now,
        exp: now + INTERACTION_TTL_SECONDS,
      },
      INTERACTION_TYP,
    );
    return token;
  }

  /** The interaction, if `token` is one of ours, unexpired, and bound to this browser's CSRF cookie; else null. */
  async verify(token: unknown, csrfCookie: string | undefined): Promise<Interaction | null> {
    if (typeof token !== 'string' || !csrfCookie) return null;
    try {
      const payload = (await this.keys.verify(token, { audience: this.audience, typ: INTERACTION_TYP })) as Record<
        string,
        unknown
      >;
      if (typeof payload.bind !== 'string' || !safeEqual(payload.bind, sha256Base64url(csrfCookie))) return null;
      return payload as unknown as Interaction;
    } catch {
      return null;
    }
  }
}

/** Cookies of a request (RFC 6265 §5.4 `Cookie` header), first value wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** A Set-Cookie value for the pages' cookies: HttpOnly, SameSite=Lax, Path=/auth (RFC 6265bis). */
export function cookie(name: string, value: string, options: { secure: boolean; maxAge?: number }): string {
  const parts = [`${name}=${value}`, 'Path=/auth', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
