import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH } from './fhir-tables';

/** Reference search values (FHIR R4 search.html#reference): local targets as (type, id). */
@Entity(FHIR_TABLES.reference)
@Index('idx_fhir_reference_target', ['resourceType', 'param', 'targetId', 'targetType', 'resourceId'])
@Index('idx_fhir_reference_resource', ['resourceType', 'resourceId', 'param'])
export class ReferenceIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  @Column({ name: 'target_type', type: 'varchar', length: ID_LENGTH })
  targetType!: string;

  @Column({ name: 'target_id', type: 'varchar', length: ID_LENGTH })
  targetId!: string;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
