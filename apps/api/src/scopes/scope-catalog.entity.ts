import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A scope the administrators describe and may offer for self-service registration. */
@Entity('scope_catalog')
export class ScopeCatalogEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  scope!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description!: string;

  /** Comma-separated resource types, or `*`. */
  @Column({ name: 'resource_types', type: 'varchar', length: 2000, default: '' })
  resourceTypes!: string;

  @Column({ name: 'self_service', type: 'boolean', default: false })
  selfService!: boolean;
}
