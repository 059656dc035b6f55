import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every token this server issued: the source of the live-token list and, through `revoked_at`, the revocation list
 * that all instances poll (RFC 7009 for self-contained JWTs).
 */
@Entity('issued_tokens')
@Index('idx_issued_tokens_client_exp', ['clientId', 'expiresAt'])
export class IssuedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti!: string;

  /** `access` (FHIR access token) or `admin_session`. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** The OAuth client, or the administrator's username for admin sessions. */
  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  patient!: string | null;

  @Column({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ name: 'issued_at', type: 'datetime', precision: 3 })
  issuedAt!: Date;

  @Index('idx_issued_tokens_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  /** The authorization grant (a person's consent) the token was issued under; null for client_credentials. */
  @Index('idx_issued_tokens_grant')
  @Column({ name: 'grant_id', type: 'varchar', length: 36, nullable: true })
  grantId!: string | null;

  @Index('idx_issued_tokens_revoked')
  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
