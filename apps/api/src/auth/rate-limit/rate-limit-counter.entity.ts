import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One instance's count of requests for one rate-limit counter in one window. Every instance writes its own rows
 * and reads the others' sums, so N instances behind a load balancer share one limit instead of allowing N times it.
 */
@Entity('rate_limit_counters')
@Index('idx_rate_limit_counters_window', ['windowStart'])
export class RateLimitCounterEntity {
  /** SHA-256 (hex) of the counter's key: throttler, route and tracker (an address or a client id). */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  /** Start of the window, ms since the epoch (windows are aligned to their length, the same on every instance). */
  @PrimaryColumn({ name: 'window_start', type: 'bigint' })
  windowStart!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  instance!: string;

  @Column({ type: 'int' })
  hits!: number;
}
