import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseScopes } from '@ccri/smart-scopes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FhirSearchService } from '../fhir/fhir-search.service';
import { parseQueryString } from '../fhir/fhir-urls';
import { PatientCompartment } from '../fhir/search/patient-compartment';
import { ScopeCheck } from '../scopes/scope-check';
import { TokenAccess } from '../scopes/token-access';
import type { BulkExportJobEntity, BulkExportOutput } from './bulk-export-job.entity';
import type { BulkExportParameters } from './bulk-export-parameters';
import { BulkResourceReader, PatientFilter, TypeRead } from './bulk-resource-reader';
import { NdjsonFileWriter } from './ndjson-file-writer';

/** What a finished run wrote. */
export interface ExportResult {
  output: BulkExportOutput[];
  errors: BulkExportOutput[];
  count: number;
}

/** Told after every page: resources written so far and the type being written. */
export type ProgressListener = (count: number, type: string) => Promise<void>;

/** Resources per search page when a `_typeFilter` selects them (the search's largest page). */
const FILTER_PAGE = 1000;
/** Largest patient list one query names; a longer Group is read in slices of this many members. */
const PATIENT_SLICE = 1000;

interface TypeNote {
  type: string;
  message: string;
}

/**
 * Runs one export job: for each type the job asks for and its token may read, streams the resources from the store
 * into NDJSON files in the job's folder; types left out are listed with the reason in an OperationOutcome file
 * (Bulk Data IG 2.0 §Response - Complete Status, `error`).
 */
@Injectable()
export class BulkExporter {
  private readonly reader: BulkResourceReader;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
    private readonly scopes: ScopeCheck,
    private readonly compartment: PatientCompartment,
    private readonly search: FhirSearchService,
  ) {
    this.reader = new BulkResourceReader(dataSource);
  }

  get resources(): BulkResourceReader {
    return this.reader;
  }

  jobDir(jobId: string): string {
    return join(this.config.bulkExport.dir, jobId);
  }

  async removeFiles(jobId: string): Promise<void> {
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  /** The token the job acts for, rebuilt from what the kick-off stored. */
  accessOf(job: Pick<BulkExportJobEntity, 'scope' | 'tokenPatient' | 'actingPatient'>): TokenAccess {
    return TokenAccess.forToken(
      {
        scopes: parseScopes(job.scope).scopes,
        patient: job.tokenPatient ?? undefined,
        actingPatient: job.actingPatient ?? undefined,
      },
      this.scopes,
    );
  }

  /** The Patient ids a Group's `member` entries reference (R4 group.html). */
  async groupMembers(groupId: string): Promise<string[] | null> {
    const json = await this.reader.current('Group', groupId);
    if (json === null) return null;
    const group = JSON.parse(json) as { member?: { entity?: { reference?: string }; inactive?: boolean }[] };
    const ids = new Set<string>();
    for (const m of group.member ?? []) {
      const match = /^(?:.*\/)?Patient\/([^/]+)$/.exec(m.entity?.reference ?? '');
      if (match && !m.inactive) ids.add(match[1]);
    }
    return [...ids];
  }

  async run(job: BulkExportJobEntity, signal: AbortSignal, progress: ProgressListener): Promise<ExportResult> {
    const dir = this.jobDir(job.id);
    // A run starts clean: whatever an interrupted run left in the folder is not part of this one.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const params = JSON.parse(job.parameters) as BulkExportParameters;
    const access = this.accessOf(job);
    const notes: TypeNote[] = [];
    const levelPatients = await this.levelPatients(job, params);
    const types = params.types.length > 0 ? params.types : await this.reader.typesPresent();
    const output: BulkExportOutput[] = [];
    let count = 0;
    for (const type of types) {
      signal.throwIfAborted();
      const inLevel = job.level === 'system' || this.compartment.confines(type);
      if (!inLevel) {
        // Bulk Data IG 2.0: Patient- and Group-level exports hold the patients' compartments only.
        if (params.types.includes(type)) notes.push({ type, message: `${type} is not in the Patient compartment` });
        continue;
      }
      const read = access.grant(type, 'r') && access.grant(type, 's');
      // Without _type, the types that hold data; those the token may not read are named in error[].
      if (!read) {
        notes.push({ type, message: `The token's scopes do not permit reading ${type}` });
        continue;
      }
      if (!read.publicType && read.matched.length > 0 && read.matched.every((s) => s.query.length > 0)) {
        notes.push({
          type,
          message: `${type} is granted only with SMART v2 restrictions, which bulk export does not apply`,
        });
        continue;
      }
      const filters: PatientFilter[] = [];
      if (read.patientCompartment) {
        if (!this.compartment.confines(type)) {
          notes.push({ type, message: `${type} is outside the token's patient compartment` });
          continue;
        }
        filters.push({ kind: 'patients', ids: [read.patientCompartment] });
      }
      const base: Omit<TypeRead, 'filters'> = {
        type,
        compartmentParams: this.compartment.paramsFor(type),
        since: params.since,
        until: job.transactionTime,
      };
      const writer = new NdjsonFileWriter(dir, type, this.config.bulkExport.fileMaxBytes);
      try {
        for (const slice of levelPatients) {
          const read: TypeRead = { ...base, filters: slice ? [...filters, slice] : filters };
          const pages = params.typeFilters[type]
            ? this.filtered(read, params.typeFilters[type], access, signal)
            : this.reader.rows(read, signal);
          for await (const rows of pages) {
            for (const row of rows) await writer.write(row.content);
            count += rows.length;
            await progress(count, type);
          }
        }
        output.push(...(await writer.close()));
      } catch (e) {
        writer.abort();
        throw e;
      }
    }
    const errors: BulkExportOutput[] = [];
    if (notes.length > 0) {
      const writer = new NdjsonFileWriter(dir, 'OperationOutcome', this.config.bulkExport.fileMaxBytes);
      for (const note of notes) await writer.write(JSON.stringify(outcome(note)));
      errors.push(...(await writer.close()));
    }
    return { output, errors, count };
  }

  /** The patient filter of each pass over a type: none (system level), any patient, or slices of the patients. */
  private async levelPatients(
    job: BulkExportJobEntity,
    params: BulkExportParameters,
  ): Promise<(PatientFilter | null)[]> {
    if (job.level === 'system') return [null];
    let ids: string[] | null = params.patients.length > 0 ? params.patients : null;
    if (job.level === 'group') {
      const members = (await this.groupMembers(job.groupId!)) ?? [];
      ids = ids ? ids.filter((id) => members.includes(id)) : members;
    }
    if (!ids) return [{ kind: 'any-patient' }];
    if (ids.length === 0) return [{ kind: 'patients', ids: [] }];
    const slices: PatientFilter[] = [];
    for (let i = 0; i < ids.length; i += PATIENT_SLICE)
      slices.push({ kind: 'patients', ids: ids.slice(i, i + PATIENT_SLICE) });
    return slices;
  }

  /**
   * `_typeFilter` (Bulk Data IG 2.0 §_typeFilter): resources matching any of the type's search queries, found page by
   * page through the FHIR search under the job's token (its own confinement applied), then held to the level's
   * patients. A resource matching several queries is written once.
   */
  private async *filtered(
    read: TypeRead,
    queries: readonly string[],
    access: TokenAccess,
    signal: AbortSignal,
  ): AsyncGenerator<{ id: string; content: string }[]> {
    const seen = queries.length > 1 ? new Set<string>() : null;
    const window = [['_lastUpdated', `le${read.until}`], ...(read.since ? [['_lastUpdated', `gt${read.since}`]] : [])];
    for (const q of queries) {
      let query: Record<string, string | string[]> | null = mergeQuery(parseQueryString(q), [
        ...window,
        ['_count', String(FILTER_PAGE)],
      ]);
      while (query) {
        signal.throwIfAborted();
        const result = await this.search.search(read.type, query, access, { handling: 'strict' });
        const bundle = JSON.parse(result.body!) as {
          link?: { relation: string; url: string }[];
          entry?: { resource: { id: string }; search?: { mode?: string } }[];
        };
        const matches = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include');
        const allowed = await this.reader.meetFilters(
          read,
          matches.map((e) => e.resource.id),
        );
        const rows = matches
          .filter((e) => allowed.has(e.resource.id) && !seen?.has(e.resource.id))
          .map((e) => {
            seen?.add(e.resource.id);
            return { id: e.resource.id, content: JSON.stringify(e.resource) };
          });
        if (rows.length > 0) yield rows;
        const next = bundle.link?.find((l) => l.relation === 'next')?.url;
        query = next ? parseQueryString(next.slice(next.indexOf('?') + 1)) : null;
      }
    }
  }
}

function mergeQuery(
  query: Record<string, string | string[]>,
  extra: readonly (readonly string[])[],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...query };
  for (const [k, v] of extra) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

/** One left-out type, as an OperationOutcome line of the manifest's `error` file. */
function outcome(note: TypeNote): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'forbidden', diagnostics: note.message, expression: [note.type] }],
  };
}
