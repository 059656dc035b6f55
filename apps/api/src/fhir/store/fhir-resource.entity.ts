import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CONTENT_COLUMN_TYPE, FHIR_TABLES, ID_LENGTH, INSTANT_LENGTH, PAGE_INDEX } from './fhir-tables';

/**
 * The current version of every resource: a read by id is one primary-key lookup returning the stored JSON as is.
 * Deleted resources keep their row (deleted = true, no content) so a read can answer 410 Gone.
 */
@Entity(FHIR_TABLES.resource)
@Index(PAGE_INDEX, ['resourceType', 'deleted', 'lastUpdated', 'id'])
export class FhirResourceEntity {
  @PrimaryColumn({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id!: string;

  @Column({ name: 'version_id', type: 'int' })
  versionId!: number;

  /** meta.lastUpdated of the current version, fixed-width ISO instant (sorts as it compares). */
  @Column({ name: 'last_updated', type: 'varchar', length: INSTANT_LENGTH })
  lastUpdated!: string;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  /** The resource JSON exactly as served, meta included; null once deleted. */
  @Column({ type: CONTENT_COLUMN_TYPE, nullable: true })
  content!: string | null;
}
