import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An EHR launch (SMART App Launch 2.2 §EHR launch): the context an administrator (the "EHR") opened an app with.
 * Stored only as the SHA-256 of the opaque `launch` value; single use, bound to its client, five minutes.
 */
@Entity('launch_contexts')
export class LaunchContextEntity {
  /** SHA-256 of the `launch` value, hex. */
  @PrimaryColumn({ name: 'launch_hash', type: 'varchar', length: 64 })
  launchHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  /** The Patient id in context. */
  @Column({ type: 'varchar', length: 64 })
  patient!: string;

  /** The Encounter id in context, if any. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  encounter!: string | null;

  /** Who created it (an administrator's username). */
  @Column({ name: 'created_by', type: 'varchar', length: 100 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @Index('idx_launch_contexts_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;
}
