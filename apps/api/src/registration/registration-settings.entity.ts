import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The registration policy: one row (id 1), absent until an administrator first saves the settings. */
@Entity('registration_settings')
export class RegistrationSettingsEntity {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  /** `closed`, `initial-token` or `open-with-approval`. */
  @Column({ type: 'varchar', length: 32 })
  policy!: string;

  /** Space-separated scopes self-registered clients may ask for. */
  @Column({ name: 'self_service_scopes', type: 'text' })
  selfServiceScopes!: string;

  @UpdateDateColumn({ name: 'updated_at', precision: 6 })
  updatedAt!: Date;
}
