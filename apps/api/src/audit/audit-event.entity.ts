import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One audited request: a token request, a FHIR interaction, a management or registration action. */
@Entity('audit_events')
@Index('idx_audit_client_time', ['clientId', 'recordedAt'])
@Index('idx_audit_outcome_time', ['outcome', 'recordedAt'])
@Index('idx_audit_type_time', ['resourceType', 'recordedAt'])
@Index('idx_audit_category_time', ['category', 'recordedAt'])
export class AuditEventEntity {
  /** Time-ordered UUID (v7), so the primary key grows with time. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('idx_audit_recorded_at')
  @Column({ name: 'recorded_at', type: 'datetime', precision: 3 })
  recordedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  category!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 100, nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  actor!: string | null;

  @Column({ type: 'varchar', length: 8 })
  outcome!: string;

  @Column({ type: 'int' })
  status!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  @Column({ name: 'resource_type', type: 'varchar', length: 64, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 100, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;
}
