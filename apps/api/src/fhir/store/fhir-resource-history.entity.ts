import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CONTENT_COLUMN_TYPE, FHIR_TABLES, ID_LENGTH, INSTANT_LENGTH } from './fhir-tables';

/**
 * Every version of every resource, deletions included (FHIR R4 http.html#history, #vread). History pages walk the
 * time indexes newest first: system history by (last_updated), type history by (resource_type, last_updated).
 */
@Entity(FHIR_TABLES.history)
@Index('idx_fhir_history_time', ['lastUpdated', 'resourceType', 'id', 'versionId'])
@Index('idx_fhir_history_type_time', ['resourceType', 'lastUpdated', 'id', 'versionId'])
export class FhirResourceHistoryEntity {
  @PrimaryColumn({ name: 'resource_type', type: 'varchar', length: ID_LENGTH })
  resourceType!: string;

  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  id!: string;

  @PrimaryColumn({ name: 'version_id', type: 'int' })
  versionId!: number;

  @Column({ name: 'last_updated', type: 'varchar', length: INSTANT_LENGTH })
  lastUpdated!: string;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  /** The version's JSON; null for a deletion. */
  @Column({ type: CONTENT_COLUMN_TYPE, nullable: true })
  content!: string | null;
}
