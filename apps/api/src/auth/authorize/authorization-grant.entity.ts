import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What a person allowed one app (SMART App Launch: a remembered consent), and the refresh-token family issued
 * under it. Revoking the grant revokes every token issued under it (`issued_tokens.grant_id`, `refresh_tokens`).
 */
@Entity('authorization_grants')
@Index('idx_authorization_grants_user_client', ['userId', 'clientId'])
export class AuthorizationGrantEntity {
  /** A UUID. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Index('idx_authorization_grants_client')
  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  /** Space-separated scopes the person allowed (after unchecking). */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  patient!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  encounter!: string | null;

  /** `consent` (remembered consent only), `offline` (offline_access) or `online` (online_access). */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** The sign-in session an `online` grant is bound to (its `jti`). */
  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId!: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @Index('idx_authorization_grants_revoked')
  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
