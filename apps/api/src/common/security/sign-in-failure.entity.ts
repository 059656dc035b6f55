import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins (or sign-ups) of one key in its current window, shared by every instance on the database so the
 * throttle holds behind a load balancer. Only a hash of the key (a username, an e-mail address, an IP) is stored.
 */
@Entity('sign_in_failures')
@Index('idx_sign_in_failures_window', ['windowStart'])
export class SignInFailureEntity {
  /** SHA-256 (hex) of the counter's name and key. */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ type: 'int' })
  failures!: number;

  /** When the window opened, ms since the epoch. */
  @Column({ name: 'window_start', type: 'bigint' })
  windowStart!: string;
}
