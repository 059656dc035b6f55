import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BulkExportJob } from '@ccri/contracts';

/** One output file of a finished job, as the manifest lists it (Bulk Data IG 2.0 §Response - Complete Status). */
export interface BulkExportOutput {
  type: string;
  /** File name inside the job's folder. */
  file: string;
  count: number;
}

/**
 * A FHIR Bulk Data export job: what was asked (level, parameters, the token's scopes), where it stands, and once done
 * the files it wrote. Lives in the database so every instance can answer its status, and a job whose instance died is
 * taken over when its lease runs out.
 */
@Entity('bulk_export_jobs')
@Index('idx_bulk_export_jobs_status', ['status', 'leaseUntil'])
@Index('idx_bulk_export_jobs_client', ['clientId', 'createdAt'])
export class BulkExportJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: BulkExportJob['level'];

  @Column({ name: 'group_id', type: 'varchar', length: 64, nullable: true })
  groupId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: BulkExportJob['status'];

  /** The kick-off request URL, echoed in the manifest's `request`. */
  @Column({ type: 'text' })
  request!: string;

  /** The parsed kick-off parameters (JSON of BulkExportParameters). */
  @Column({ type: 'text' })
  parameters!: string;

  /** The kick-off token's scope string and patient context: the job exports what that token could read. */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'token_patient', type: 'varchar', length: 64, nullable: true })
  tokenPatient!: string | null;

  @Column({ name: 'acting_patient', type: 'varchar', length: 64, nullable: true })
  actingPatient!: string | null;

  /** The instant the export reflects: resources changed after it are not included (the manifest's transactionTime). */
  @Column({ name: 'transaction_time', type: 'varchar', length: 24 })
  transactionTime!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  progress!: string | null;

  @Column({ name: 'resource_count', type: 'int', default: 0 })
  resourceCount!: number;

  /** JSON BulkExportOutput[] of the data files; set only when the job completes, so no partial file is listed. */
  @Column({ type: 'text', nullable: true })
  output!: string | null;

  /** JSON BulkExportOutput[] of the OperationOutcome files (types left out and why). */
  @Column({ name: 'error_output', type: 'text', nullable: true })
  errorOutput!: string | null;

  /** Why a job failed. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  /** Runs started: a job that keeps dying with its instance is failed rather than retried forever. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** The instance running the job, and until when its claim holds unless renewed. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  owner!: string | null;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  /** The last status poll, to answer polls faster than Retry-After with 429 (Bulk Data IG 2.0 §Status Request). */
  @Column({ name: 'polled_at', type: 'datetime', precision: 3, nullable: true })
  polledAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt!: Date | null;

  /** When the job and its files are deleted (BULK_EXPORT_RETENTION_HOURS after it ended). */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;
}
