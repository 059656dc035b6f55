import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An RFC 7591 §3 initial access token for the `initial-token` policy. Holds only an HMAC of the token. */
@Entity('registration_initial_access_tokens')
export class InitialAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** HMAC-SHA-256 of the token under the server pepper, hex (as client secrets). */
  @Index('idx_initial_access_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'max_uses', type: 'int' })
  maxUses!: number;

  @Column({ type: 'int', default: 0 })
  uses!: number;

  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;
}
