import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH, VALUE_LENGTH } from './fhir-tables';

/** URI search values (FHIR R4 search.html#uri), compared byte for byte; `:below` and `:above` use the same index. */
@Entity(FHIR_TABLES.uri)
@Index('idx_fhir_uri_value', ['resourceType', 'param', 'uri', 'resourceId'])
@Index('idx_fhir_uri_resource', ['resourceType', 'resourceId', 'param'])
export class UriIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  @Column({ name: 'uri', type: 'varchar', length: VALUE_LENGTH })
  uri!: string;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
