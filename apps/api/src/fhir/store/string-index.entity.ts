import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH, VALUE_LENGTH } from './fhir-tables';

/** String search values (FHIR R4 search.html#string): normalised for prefix and contains, original for `:exact`. */
@Entity(FHIR_TABLES.string)
@Index('idx_fhir_string_value', ['resourceType', 'param', 'normalized', 'resourceId'])
@Index('idx_fhir_string_resource', ['resourceType', 'resourceId', 'param'])
export class StringIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  /** Lower case, accents folded, whitespace collapsed (see normalizeSearchString). */
  @Column({ name: 'value_normalized', type: 'varchar', length: VALUE_LENGTH })
  normalized!: string;

  @Column({ name: 'value_exact', type: 'varchar', length: VALUE_LENGTH })
  exact!: string;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
