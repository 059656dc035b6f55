import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A named lease shared by every API instance on one database: whoever holds an unexpired row for a name may do the
 * work it guards (key rotation, demo seeding). A crashed holder's lease simply runs out.
 */
@Entity('cluster_locks')
export class ClusterLockEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** A random id of the holding instance (and call). */
  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
