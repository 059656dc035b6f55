import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An authorization code (RFC 6749 §4.1.2), stored only as its SHA-256: single use, at most 60 s, bound to the
 * client, the redirect_uri and the PKCE challenge (RFC 7636 §4.4). `usedAt` marks the redemption; a second
 * redemption revokes what the first issued (RFC 6749 §4.1.2, RFC 9700 §4.13).
 */
@Entity('authorization_codes')
export class AuthorizationCodeEntity {
  /** SHA-256 of the code, hex. */
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** The grant (consent) this code was issued under. */
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId!: string;

  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000 })
  redirectUri!: string;

  /** RFC 7636 S256 challenge (base64url SHA-256 of the verifier, 43 characters). */
  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  /** Space-separated scopes granted (requested ∩ allowed, less what the person unchecked). */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  patient!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  encounter!: string | null;

  /** OpenID Connect Core §3.1.2.1 `nonce`, echoed in the id_token. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce!: string | null;

  /** When the person authenticated (id_token `auth_time`). */
  @Column({ name: 'auth_time', type: 'datetime', precision: 3 })
  authTime!: Date;

  /** The sign-in session (its `jti`), for `online_access`. */
  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @Index('idx_authorization_codes_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;
}
