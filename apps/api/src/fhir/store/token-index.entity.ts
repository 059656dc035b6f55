import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FHIR_TABLES, ID_LENGTH, VALUE_LENGTH } from './fhir-tables';

/** Token search values (FHIR R4 search.html#token): one row per (parameter, system, code) of a current resource. */
@Entity(FHIR_TABLES.token)
@Index('idx_fhir_token_code', ['resourceType', 'param', 'code', 'system', 'resourceId'])
@Index('idx_fhir_token_resource', ['resourceType', 'resourceId', 'param'])
export class TokenIndexEntity {
  @PrimaryGeneratedColumn({ name: 'row_id' })
  rowId!: number;

  @Column({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: ID_LENGTH })
  resourceId!: string;

  @Column({ type: 'varchar', length: ID_LENGTH })
  param!: string;

  /** '' when the value has no system. */
  @Column({ name: 'token_system', type: 'varchar', length: VALUE_LENGTH })
  system!: string;

  @Column({ name: 'token_code', type: 'varchar', length: VALUE_LENGTH })
  code!: string;

  /** The element of a composite parameter this row belongs to (see CompositeGroup); 0 for ordinary parameters. */
  @Column({ name: 'composite_group', type: 'int', default: 0 })
  group!: number;
}
