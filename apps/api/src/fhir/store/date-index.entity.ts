import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH } from './fhir-tables';

/** Date search values (FHIR R4 search.html#date) as inclusive epoch-millisecond ranges. */
@Entity(FHIR_TABLES.date)
@Index('idx_fhir_date_low', ['resourceType', 'param', 'low', 'high', 'resourceId'])
@Index('idx_fhir_date_high', ['resourceType', 'param', 'high', 'resourceId'])
@Index('idx_fhir_date_resource', ['resourceType', 'resourceId', 'param'])
export class DateIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  @Column({ name: 'range_low', type: 'bigint' })
  low!: number;

  @Column({ name: 'range_high', type: 'bigint' })
  high!: number;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
