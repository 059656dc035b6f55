import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person who signs in to SMART apps: a patient or a practitioner, linked to the FHIR resource they are
 * (`fhirUser`). Never serialised (see UsersService.toUser), so the password hash cannot leak.
 */
@Entity('end_users')
export class EndUserEntity {
  /** A UUID: the `sub` of this person's id_tokens (stable across a username change). */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The sign-in name, unique; compared case-insensitively (stored lower-cased). */
  @Index('idx_end_users_username', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Index('idx_end_users_email')
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** `patient` or `practitioner`. */
  @Column({ type: 'varchar', length: 16 })
  role!: string;

  /** `Patient/{id}` or `Practitioner/{id}`. */
  @Column({ name: 'fhir_user', type: 'varchar', length: 100 })
  fhirUser!: string;

  /** `scrypt$N$r$p$salt$hash`; null for an account that signs in only through an external provider. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** "Sign out everywhere": sessions started before this instant are no longer honoured. */
  @Column({ name: 'sessions_valid_after', type: 'datetime', precision: 3, nullable: true })
  sessionsValidAfter!: Date | null;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 6 })
  updatedAt!: Date;
}
