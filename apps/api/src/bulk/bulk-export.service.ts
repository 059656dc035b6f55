import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { BulkExportJob, Page } from '@ccri/contracts';
import { DomainError } from '../common/errors/domain-error';
import type { TokenPrincipal } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FhirSearchService } from '../fhir/fhir-search.service';
import { isServedType } from '../fhir/fhir-resource-types';
import { fhirBaseUrl, parseQueryString } from '../fhir/fhir-urls';
import type { TokenAccess } from '../scopes/token-access';
import { bulkErrors } from './bulk-errors';
import { BulkExportAudit } from './bulk-export-audit';
import { BulkExportJobEntity, BulkExportOutput } from './bulk-export-job.entity';
import { ExportLevel, parseExportParameters, RawParameter } from './bulk-export-parameters';
import { BulkExportRunner } from './bulk-export-runner';
import { BulkExporter } from './bulk-exporter';

/** One kick-off as the controller received it. */
export interface KickOff {
  level: ExportLevel;
  groupId?: string;
  parameters: RawParameter[];
  prefer: string | undefined;
  accept: string | undefined;
  /** The kick-off path and query as requested, for the manifest's `request`. */
  path: string;
  principal: TokenPrincipal;
  access: TokenAccess;
  requestId: string;
}

/** What a status request answers (Bulk Data IG 2.0 §Bulk Data Status Request). */
export type StatusAnswer =
  | { state: 'in-progress'; progress: string; retryAfter: number }
  | { state: 'complete'; manifest: Record<string, unknown>; expires: Date | null }
  | { state: 'failed'; error: DomainError };

const ACTIVE: BulkExportJob['status'][] = ['queued', 'running'];
const ACCEPTED_JSON = /^(application\/fhir\+json|application\/json|\*\/\*|application\/\*)$/;

/** FHIR Bulk Data export (Bulk Data Access IG 2.0): kick-off, status, cancel, file download, and the job list. */
@Injectable()
export class BulkExportService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(BulkExportJobEntity) private readonly jobs: Repository<BulkExportJobEntity>,
    private readonly runner: BulkExportRunner,
    private readonly exporter: BulkExporter,
    private readonly search: FhirSearchService,
    private readonly audit: BulkExportAudit,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  statusUrl(id: string): string {
    return `${this.base}/$export-status/${id}`;
  }

  /** Bulk Data IG 2.0 §Bulk Data Kick-off Request: validates, stores the job, and returns its status URL. */
  async kickOff(k: KickOff): Promise<string> {
    const prefer = (k.prefer ?? '').split(/[,;]/).map((p) => p.trim().toLowerCase());
    if (!prefer.includes('respond-async'))
      throw bulkErrors.invalidRequest('The kick-off needs the header Prefer: respond-async', 'Prefer');
    const accepts = (k.accept ?? '').split(',').map((a) => a.split(';')[0].trim().toLowerCase());
    if (k.accept && !accepts.some((a) => ACCEPTED_JSON.test(a)))
      throw bulkErrors.invalidRequest('The kick-off needs the header Accept: application/fhir+json', 'Accept');
    const lenient = prefer.includes('handling=lenient');
    const params = parseExportParameters(k.parameters, { level: k.level, lenient, isServedType });
    if (k.level === 'group') {
      // The Group itself is read to find its members: the token must be allowed to read it.
      k.access.require('Group', 'r', 'bulk-export');
      if ((await this.exporter.groupMembers(k.groupId!)) === null) throw bulkErrors.groupNotFound(k.groupId!);
    }
    for (const [type, queries] of Object.entries(params.typeFilters)) {
      if (!k.access.grant(type, 's')) continue; // left out and named in error[] when the job runs
      for (const q of queries) this.search.parse(type, parseQueryString(q), k.access, !lenient);
    }
    const clientId = k.principal.clientId;
    const active = await this.jobs.countBy({ clientId, status: In(ACTIVE) });
    if (active >= this.config.bulkExport.maxActivePerClient)
      throw bulkErrors.tooManyJobs(this.config.bulkExport.maxActivePerClient, this.config.bulkExport.retryAfterSeconds);
    const job: BulkExportJobEntity = {
      id: randomUUID(),
      clientId,
      level: k.level,
      groupId: k.groupId ?? null,
      status: 'queued',
      request: (this.config.publicUrl + k.path).slice(0, 8000),
      parameters: JSON.stringify(params),
      scope: k.principal.scope,
      tokenPatient: k.principal.patient ?? null,
      actingPatient: k.principal.actingPatient ?? null,
      transactionTime: new Date().toISOString(),
      progress: 'Queued',
      resourceCount: 0,
      output: null,
      errorOutput: null,
      error: null,
      attempts: 0,
      owner: null,
      leaseUntil: null,
      polledAt: null,
      createdAt: new Date(),
      completedAt: null,
      expiresAt: null,
    };
    await this.jobs.insert(job);
    await this.audit.kickedOff(job, params.types, k.requestId);
    this.runner.wake();
    return this.statusUrl(job.id);
  }

  /** Bulk Data IG 2.0 §Bulk Data Status Request. Only the client that started the job may ask. */
  async status(id: string, principal: TokenPrincipal): Promise<StatusAnswer> {
    const job = await this.ownJob(id, principal);
    if (job.status === 'completed') return { state: 'complete', manifest: this.manifest(job), expires: job.expiresAt };
    if (job.status === 'failed')
      return {
        state: 'failed',
        error: new DomainError(422, 'bulk_export_failed', job.error ?? 'The export failed', { fhirIssue: 'exception' }),
      };
    const retryAfter = this.config.bulkExport.retryAfterSeconds;
    const now = Date.now();
    // Polls closer together than Retry-After are answered 429 (Bulk Data IG 2.0 §Status Request, "Rate limiting").
    if (job.polledAt && now - job.polledAt.getTime() < retryAfter * 1000 - 100)
      throw bulkErrors.tooFrequent(retryAfter);
    await this.jobs.update({ id }, { polledAt: new Date(now) });
    return { state: 'in-progress', progress: job.progress ?? job.status, retryAfter };
  }

  /** Bulk Data IG 2.0 §Delete a Bulk Data Request: stops the job and removes its files. */
  async cancel(id: string, principal: TokenPrincipal, requestId: string): Promise<void> {
    const job = await this.ownJob(id, principal);
    const now = new Date();
    await this.jobs.update(
      { id },
      {
        status: 'cancelled',
        owner: null,
        leaseUntil: null,
        output: null,
        errorOutput: null,
        progress: 'Cancelled',
        completedAt: now,
        expiresAt: this.runner.expiry(now),
      },
    );
    this.runner.abortRun(id);
    await this.exporter.removeFiles(id);
    await this.audit.cancelled(job, requestId);
  }

  /** Bulk Data IG 2.0 §File Request: one listed file of a completed job, to the client that started it. */
  async file(
    id: string,
    name: string,
    principal: TokenPrincipal,
    requestId: string,
  ): Promise<{ stream: ReadStream; file: BulkExportOutput }> {
    const job = await this.ownJob(id, principal).catch(() => {
      throw bulkErrors.fileNotFound();
    });
    if (job.status !== 'completed') throw bulkErrors.fileNotFound();
    const listed = [...outputs(job.output), ...outputs(job.errorOutput)];
    const file = listed.find((f) => f.file === name);
    if (!file) throw bulkErrors.fileNotFound();
    const stream = createReadStream(join(this.exporter.jobDir(id), file.file));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', () => reject(bulkErrors.fileNotFound()));
    });
    await this.audit.downloaded(job, file, requestId);
    return { stream, file };
  }

  /** The management API's view of a client's jobs, newest first. */
  async list(clientId: string | undefined, page = 1, limit = 50): Promise<Page<BulkExportJob>> {
    const [rows, total] = await this.jobs.findAndCount({
      where: clientId ? { clientId } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items: rows.map(toDto), total };
  }

  private async ownJob(id: string, principal: TokenPrincipal): Promise<BulkExportJobEntity> {
    const job = await this.jobs.findOneBy({ id });
    // Another client's job answers as if it did not exist: its id says nothing to anyone else.
    if (!job || job.clientId !== principal.clientId || job.status === 'cancelled') throw bulkErrors.jobNotFound();
    return job;
  }

  /** Bulk Data IG 2.0 §Response - Complete Status. */
  private manifest(job: BulkExportJobEntity): Record<string, unknown> {
    const url = (f: BulkExportOutput) => `${this.base}/$export-file/${job.id}/${f.file}`;
    return {
      transactionTime: job.transactionTime,
      request: job.request,
      requiresAccessToken: true,
      output: outputs(job.output).map((f) => ({ type: f.type, url: url(f), count: f.count })),
      error: outputs(job.errorOutput).map((f) => ({ type: f.type, url: url(f), count: f.count })),
    };
  }
}

function outputs(json: string | null): BulkExportOutput[] {
  return json ? (JSON.parse(json) as BulkExportOutput[]) : [];
}

function toDto(job: BulkExportJobEntity): BulkExportJob {
  const params = JSON.parse(job.parameters) as { types?: string[] };
  return {
    id: job.id,
    client_id: job.clientId,
    level: job.level,
    group_id: job.groupId,
    status: job.status,
    request: job.request,
    types: params.types ?? [],
    resource_count: job.resourceCount,
    file_count: outputs(job.output).length,
    progress: job.progress,
    error: job.error,
    created_at: job.createdAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
    expires_at: job.expiresAt?.toISOString() ?? null,
  };
}
