import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Which kind of local account an external identity signs in as. */
export type LocalAccountKind = 'user' | 'developer' | 'admin';

/** An external identity (issuer + subject) linked to one local account; one link per identity. */
@Entity('external_identities')
@Index('idx_external_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
@Index('idx_external_identities_local', ['localKind', 'localId'])
export class ExternalIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'provider_id', type: 'varchar', length: 63 })
  providerId!: string;

  @Column({ type: 'varchar', length: 255 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'local_kind', type: 'varchar', length: 16 })
  localKind!: LocalAccountKind;

  @Column({ name: 'local_id', type: 'varchar', length: 36 })
  localId!: string;

  @Column({ name: 'linked_at', type: 'datetime', precision: 6 })
  linkedAt!: Date;
}
