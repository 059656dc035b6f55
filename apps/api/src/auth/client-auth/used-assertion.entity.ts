import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `jti`s of client assertions already used, kept until the assertion expires (RFC 7523 §3, item 7: no replay). */
@Entity('used_client_assertions')
export class UsedAssertionEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  jti!: string;

  @Index('idx_used_assertions_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
