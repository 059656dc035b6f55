import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JWTPayload } from 'jose';
import { IsNull, MoreThan, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JwtRejected, KeysService } from '../auth/keys/keys.service';
import { IssuedTokenEntity } from '../auth/tokens/issued-token.entity';
import { TokenStoreService } from '../auth/tokens/token-store.service';

/**
 * A kind of signed-in session: who holds it (administrators, developers, end users), the `typ` and audience that
 * keep one kind from being taken for another (or for an access token), and how long it lasts.
 */
export interface SessionKind {
  /** `issued_tokens.kind`: `admin_session`, `portal_session`, `user_session`. */
  kind: string;
  /** JWT `typ` header (RFC 8725 §3.11: explicit typing). */
  typ: string;
  /** The path under PUBLIC_URL that is the session's `aud`. */
  audiencePath: string;
  ttlSeconds: number;
}

export interface IssuedSession {
  token: string;
  jti: string;
  expiresIn: number;
  /** Seconds since the epoch. */
  issuedAt: number;
}

/** A verified session's claims. */
export type SessionClaims = JWTPayload & { sub: string; jti: string; iat: number; exp: number };

/**
 * One session mechanism for every kind of person who signs in: an RS256 JWT signed with the server's keys,
 * recorded in `issued_tokens` so that signing out (or an administrator) revokes it on every instance.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
    private readonly tokens: TokenStoreService,
    @InjectRepository(IssuedTokenEntity) private readonly issued: Repository<IssuedTokenEntity>,
  ) {}

  audience(kind: SessionKind): string {
    return `${this.config.publicUrl}${kind.audiencePath}`;
  }

  /** Signs and durably records a session for `subject` (`sub`), with extra claims. */
  async issue(kind: SessionKind, subject: string, claims: Record<string, unknown> = {}): Promise<IssuedSession> {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const { token, kid } = await this.keys.sign(
      {
        ...claims,
        iss: this.config.publicUrl,
        aud: this.audience(kind),
        sub: subject,
        jti,
        iat: now,
        exp: now + kind.ttlSeconds,
      },
      kind.typ,
    );
    await this.tokens.record({
      jti,
      kind: kind.kind,
      clientId: subject.slice(0, 100),
      scope: kind.kind,
      patient: null,
      kid,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date((now + kind.ttlSeconds) * 1000),
    });
    return { token, jti, expiresIn: kind.ttlSeconds, issuedAt: now };
  }

  /**
   * Verifies signature, `typ`, `iss`, `aud`, `exp` and revocation; throws JwtRejected otherwise. With
   * `validAfter` (a person's "sign out everywhere" instant), a session issued before it is refused as well.
   */
  async verify(kind: SessionKind, token: string, options: { validAfter?: Date | null } = {}): Promise<SessionClaims> {
    const payload = await this.keys.verify(token, { audience: this.audience(kind), typ: kind.typ });
    if (this.tokens.isRevoked(payload.jti!)) throw new JwtRejected('revoked', 'The session has ended');
    if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number')
      throw new JwtRejected('invalid_claims', 'The session names no one');
    if (options.validAfter && !issuedAfter(payload.iat, options.validAfter))
      throw new JwtRejected('revoked', 'The session has ended');
    return payload as SessionClaims;
  }

  /** Ends one session (sign-out). */
  async revoke(jti: string): Promise<void> {
    await this.tokens.revoke(jti);
  }

  /** Ends every live session of `kind` held by `subject` ("sign out everywhere"); returns how many. */
  async revokeAllFor(kind: SessionKind, subject: string): Promise<number> {
    const live = await this.issued.find({
      select: { jti: true },
      where: { kind: kind.kind, clientId: subject.slice(0, 100), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
    // One by one through the token store, so this instance's revocation list knows at once (a person has few).
    for (const { jti } of live) await this.tokens.revoke(jti);
    return live.length;
  }
}

/**
 * Whether a session issued at `iat` (whole seconds) began no earlier than the second of `validAfter`. A session of the
 * cut-off's own second passes: it may be the fresh sign-in that follows a reset; any recorded session begun before
 * the cut-off is revoked by jti anyway (revokeAllFor), so this only backs up sessions not yet recorded at that time.
 */
export function issuedAfter(iat: number, validAfter: Date): boolean {
  return iat >= Math.floor(validAfter.getTime() / 1000);
}
