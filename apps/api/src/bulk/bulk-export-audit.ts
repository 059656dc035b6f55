import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { BulkExportJobEntity, BulkExportOutput } from './bulk-export-job.entity';

type JobFacts = Pick<
  BulkExportJobEntity,
  'id' | 'clientId' | 'level' | 'status' | 'resourceCount' | 'error' | 'scope'
> & {
  output?: string | null;
};

/**
 * The export's own audit events, with the job and its counts (issue 15 §Audit): besides each request's record,
 * kick-off, completion or failure (which no request answers), cancel and each file served.
 */
@Injectable()
export class BulkExportAudit {
  constructor(private readonly audit: AuditService) {}

  kickedOff(job: JobFacts, types: readonly string[], requestId: string): Promise<void> {
    return this.audit.recordEvent({
      category: 'fhir',
      action: 'bulk-export.kick-off',
      client_id: job.clientId,
      outcome: 'success',
      status: 202,
      reason: `${job.level} export of ${types.length ? types.join(',') : 'every readable type'}`,
      resource_type: null,
      resource_id: job.id,
      scope: job.scope,
      request_id: requestId,
    });
  }

  finished(job: JobFacts): Promise<void> {
    const files = job.output ? (JSON.parse(job.output) as BulkExportOutput[]).length : 0;
    return this.audit.recordEvent({
      category: 'fhir',
      action: job.status === 'completed' ? 'bulk-export.complete' : 'bulk-export.fail',
      client_id: job.clientId,
      outcome: job.status === 'completed' ? 'success' : 'error',
      status: job.status === 'completed' ? 200 : 500,
      reason: job.status === 'completed' ? `${job.resourceCount} resources in ${files} files` : (job.error ?? 'failed'),
      resource_type: null,
      resource_id: job.id,
      scope: null,
    });
  }

  cancelled(job: JobFacts, requestId: string): Promise<void> {
    return this.audit.recordEvent({
      category: 'fhir',
      action: 'bulk-export.cancel',
      client_id: job.clientId,
      outcome: 'success',
      status: 202,
      reason: `cancelled after ${job.resourceCount} resources`,
      resource_type: null,
      resource_id: job.id,
      scope: null,
      request_id: requestId,
    });
  }

  downloaded(job: JobFacts, file: BulkExportOutput, requestId: string): Promise<void> {
    return this.audit.recordEvent({
      category: 'fhir',
      action: 'bulk-export.download',
      client_id: job.clientId,
      outcome: 'success',
      status: 200,
      reason: `${file.file}: ${file.count} ${file.type}`,
      resource_type: file.type,
      resource_id: job.id,
      scope: null,
      request_id: requestId,
    });
  }
}
