import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH, VALUE_LENGTH } from './fhir-tables';

/**
 * Number and quantity search values (FHIR R4 search.html#number, #quantity) as inclusive [low, high] ranges: a point
 * has low = high, a Range its bounds. Units are compared as given (no UCUM conversion).
 */
@Entity(FHIR_TABLES.quantity)
@Index('idx_fhir_quantity_low', ['resourceType', 'param', 'low', 'resourceId'])
@Index('idx_fhir_quantity_high', ['resourceType', 'param', 'high', 'resourceId'])
@Index('idx_fhir_quantity_resource', ['resourceType', 'resourceId', 'param'])
export class QuantityIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  /** '' for plain numbers and unitless quantities. */
  @Column({ name: 'unit_system', type: 'varchar', length: VALUE_LENGTH })
  system!: string;

  /** The unit code, or the human-readable unit when there is no code; '' for plain numbers. */
  @Column({ name: 'unit_code', type: 'varchar', length: VALUE_LENGTH })
  code!: string;

  @Column({ name: 'range_low', type: 'double' })
  low!: number;

  @Column({ name: 'range_high', type: 'double' })
  high!: number;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
