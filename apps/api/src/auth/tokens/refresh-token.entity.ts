import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A refresh token (RFC 6749 §6), stored only as its SHA-256. Rotated on every use (RFC 9700 §4.14.2): `usedAt` marks
 * the one that was exchanged; presenting it again revokes its whole grant.
 */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  /** SHA-256 of the token, hex. */
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_refresh_tokens_grant')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** The scope of the grant it carries: a refresh may narrow it, never widen it (RFC 6749 §6). */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  patient!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  encounter!: string | null;

  /** For `online_access`: the sign-in session (its `jti`) the token lives no longer than. */
  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  /** When the person authenticated (the id_token's `auth_time` on refresh, OpenID Connect Core §12.2). */
  @Column({ name: 'auth_time', type: 'datetime', precision: 3 })
  authTime!: Date;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @Index('idx_refresh_tokens_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
