import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An integrator's developer-portal account. Never serialised (see DevelopersService.toAccount). */
@Entity('developer_accounts')
export class DeveloperAccountEntity {
  /** A UUID; the `owner` of the account's clients, so an email change keeps them. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Lower-cased; the sign-in name. RFC 5321 §4.5.3.1 caps a path at 256 octets, so 254 for the address. */
  @Index('idx_developer_accounts_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** A person's or organisation's name, shown to administrators beside the account's clients. */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** `scrypt$N$r$p$salt$hash` (memory-hard KDF, DESIGN.md §Secrets). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 6 })
  updatedAt!: Date;
}
