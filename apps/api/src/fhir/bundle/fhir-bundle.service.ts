import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Permission } from '@ccri/smart-scopes';
import { DomainError } from '../../common/errors/domain-error';
import { normalizeError } from '../../common/filters/normalize-error';
import { renderOperationOutcome } from '../../common/filters/error-renderers';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { FhirAccessPolicy } from '../access/fhir-access-policy';
import { TokenAccess, TypeGrant } from '../../scopes/token-access';
import { fhirErrors, FhirOutcomeError } from '../fhir-errors';
import { FhirHistoryService } from '../fhir-history.service';
import { FhirPreferences } from '../fhir-prefer';
import { assertValidResource, checkResourceBody } from '../fhir-resource-body';
import { FhirResource, isServedType } from '../fhir-resource-types';
import { etag, FhirResult } from '../fhir-result';
import { FhirSearchService } from '../fhir-search.service';
import { conflictError, FhirService, parseIfMatch } from '../fhir.service';
import { fhirBaseUrl, parseQueryString } from '../fhir-urls';
import { applyPatch, JsonPatchError, parsePatch, PatchOperation } from '../patch/json-patch';
import { ResourcePreparer } from '../resource-preparer';
import { ResourceStore, StoredVersion, WriteOutcome, WriteRequest } from '../store/resource-store';
import { ValidationPool } from '../validation/validation-pool';
import { BundleEntry, parseBundleEntries, patchOfEntry, rewriteReferences } from './bundle-entry';
import { uuidv7 } from '../../common/crypto/uuid7';

/** Entries one Bundle may hold (bodies are bounded by BODY_LIMIT_BYTES too). */
const MAX_ENTRIES = 10_000;

const STATUS_TEXT: Record<number, string> = { 200: '200 OK', 201: '201 Created', 204: '204 No Content' };

/** The permission each entry method needs (SMART App Launch 2.x: c, r, u, d, s). */
function permissionOf(entry: BundleEntry): { permission: Permission; interaction: string } {
  switch (entry.method) {
    case 'POST':
      return { permission: 'c', interaction: 'create' };
    case 'PUT':
      return { permission: 'u', interaction: 'update' };
    case 'PATCH':
      return { permission: 'u', interaction: 'patch' };
    case 'DELETE':
      return { permission: 'd', interaction: 'delete' };
    default:
      if (entry.id && !entry.history) return { permission: 'r', interaction: entry.versionId ? 'vread' : 'read' };
      if (entry.id) return { permission: 'r', interaction: 'history-instance' };
      return { permission: 's', interaction: entry.history ? 'history-type' : 'search' };
  }
}

/** A response entry (R4 bundle.html: entry.response, entry.resource for return=representation). */
interface ResponseEntry {
  status: number;
  location?: string;
  etag?: string;
  lastModified?: string;
  /** JSON text. */
  resource?: string;
  outcome?: unknown;
}

/** One write a transaction makes, and what its response entry shows. */
interface PlannedWrite {
  entry: BundleEntry;
  request: WriteRequest;
}

/**
 * Batch and transaction Bundles at the base (R4 http.html#transaction). A transaction is all or nothing: every entry
 * is checked (scope, compartment, validation) before anything is written, `urn:uuid:` references are rewritten to the
 * ids assigned, and all writes go to the store as one transaction of batched inserts. A batch runs each entry alone.
 */
@Injectable()
export class FhirBundleService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: ResourceStore,
    private readonly policy: FhirAccessPolicy,
    private readonly preparer: ResourcePreparer,
    private readonly fhir: FhirService,
    private readonly searches: FhirSearchService,
    private readonly histories: FhirHistoryService,
    private readonly validation: ValidationPool,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  async process(body: unknown, access: TokenAccess, prefer: FhirPreferences = {}): Promise<FhirResult> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw fhirErrors.invalidBundle('The request body must be a Bundle');
    const bundle = body as Record<string, unknown>;
    if (bundle.resourceType !== 'Bundle')
      throw fhirErrors.invalidBundle('The request body must be a Bundle', 'resourceType');
    if (bundle.type !== 'transaction' && bundle.type !== 'batch')
      throw fhirErrors.invalidBundle('Bundle.type must be transaction or batch', 'Bundle.type');
    const entries = parseBundleEntries(bundle, this.base);
    if (entries.length > MAX_ENTRIES)
      throw fhirErrors.invalidBundle(`A Bundle may hold ${MAX_ENTRIES} entries at most`);
    const responses =
      bundle.type === 'transaction'
        ? await this.transaction(entries, access, prefer)
        : await this.batch(entries, access, prefer);
    return {
      status: 200,
      body: this.responseBundle(bundle.type === 'transaction' ? 'transaction-response' : 'batch-response', responses),
    };
  }

  /** R4 http.html#brules: each entry on its own; a failure is that entry's response. */
  private async batch(entries: BundleEntry[], access: TokenAccess, prefer: FhirPreferences): Promise<ResponseEntry[]> {
    const out: ResponseEntry[] = [];
    await this.validation.validateAhead(
      entries
        .filter((e) => e.method === 'POST' || e.method === 'PUT')
        .map((e) => ({ type: e.type, resource: e.resource })),
    );
    for (const entry of entries) {
      try {
        out.push(this.fromResult(entry, await this.single(entry, access, prefer), access));
      } catch (e) {
        out.push(this.errorEntry(e));
      }
    }
    return out;
  }

  /** One entry through the same service calls as the REST interaction it stands for. */
  private async single(entry: BundleEntry, access: TokenAccess, prefer: FhirPreferences): Promise<FhirResult> {
    const { type } = entry;
    switch (entry.method) {
      case 'POST':
        return this.fhir.create(type, entry.resource, access, prefer, entry.ifNoneExist);
      case 'PUT':
        return this.fhir.update(type, entry.id!, entry.resource, access, prefer, entry.ifMatch);
      case 'PATCH':
        return this.fhir.patch(type, entry.id!, patchOfEntry(entry), access, prefer, entry.ifMatch);
      case 'DELETE':
        return this.fhir.delete(type, entry.id!, access, entry.ifMatch);
      default:
        return this.read(entry, access, prefer);
    }
  }

  private async read(entry: BundleEntry, access: TokenAccess, prefer: FhirPreferences): Promise<FhirResult> {
    const query = parseQueryString(entry.query ?? '');
    if (entry.history) {
      return entry.id
        ? this.histories.instance(entry.type, entry.id, query, access)
        : this.histories.type(entry.type, query, access);
    }
    if (entry.id && entry.versionId) return this.fhir.vread(entry.type, entry.id, entry.versionId, access);
    if (entry.id) return this.fhir.read(entry.type, entry.id, access);
    return this.searches.search(entry.type, query, access, prefer);
  }

  /**
   * R4 http.html#trules: all entries are checked first; writes are planned with the ids they will get (POST entries
   * with a `urn:uuid:` fullUrl get a new id every reference to them is rewritten to); one store transaction writes
   * them; reads run last and see the writes.
   */
  private async transaction(
    entries: BundleEntry[],
    access: TokenAccess,
    prefer: FhirPreferences,
  ): Promise<ResponseEntry[]> {
    const responses: (ResponseEntry | undefined)[] = new Array(entries.length);
    const grants = new Map<BundleEntry, TypeGrant>();
    for (const entry of entries) {
      this.atEntry(entry, () => {
        if (!isServedType(entry.type)) throw fhirErrors.unsupportedType(entry.type);
        const { permission, interaction } = permissionOf(entry);
        grants.set(entry, access.require(entry.type, permission, interaction));
      });
    }
    const ids = new Map<string, string>();
    const newIds = new Map<BundleEntry, string>();
    const writes: PlannedWrite[] = [];
    // Conditional creates first: a match takes the place of the new resource in the references.
    for (const entry of entries) {
      if (entry.method !== 'POST') continue;
      if (entry.ifNoneExist) {
        const existing = await this.atEntryAsync(entry, () =>
          this.fhir.conditionalMatch(entry.type, entry.ifNoneExist!, access),
        );
        if (existing) {
          if (entry.fullUrl) ids.set(entry.fullUrl, `${entry.type}/${existing.id}`);
          responses[entry.index] = this.fromResult(
            entry,
            this.fhir.existingResult(entry.type, existing, access, prefer),
          );
          continue;
        }
      }
      const id = uuidv7();
      newIds.set(entry, id);
      if (entry.fullUrl) ids.set(entry.fullUrl, `${entry.type}/${id}`);
    }
    for (const entry of entries) {
      if (entry.method === 'PUT' && entry.fullUrl?.startsWith('urn:'))
        ids.set(entry.fullUrl, `${entry.type}/${entry.id}`);
    }
    // The bodies to write, with their references rewritten, are validated together (on the validation workers when
    // large); the checks below then give each entry's answer in order.
    const bodies = new Map<BundleEntry, unknown>();
    for (const entry of entries) {
      if ((entry.method === 'POST' && newIds.has(entry)) || entry.method === 'PUT') {
        try {
          bodies.set(entry, rewriteReferences(entry.resource, ids));
        } catch {
          // rewritten again below, where the error is this entry's answer
        }
      }
    }
    await this.validation.validateAhead([...bodies].map(([entry, resource]) => ({ type: entry.type, resource })));
    const bodyOf = (entry: BundleEntry) =>
      bodies.has(entry) ? bodies.get(entry) : rewriteReferences(entry.resource, ids);
    for (const entry of entries) {
      const grant = grants.get(entry)!;
      if (entry.method === 'POST' && newIds.has(entry)) {
        const id = newIds.get(entry)!;
        const resource = this.atEntry(entry, () => {
          const r = checkResourceBody(entry.type, bodyOf(entry));
          this.policy.assertWritable(entry.type, r, grant);
          return r;
        });
        writes.push({
          entry,
          request: {
            type: entry.type,
            id,
            op: 'put',
            fresh: true,
            build: (v, at) => this.preparer.prepare(entry.type, id, resource, v, at),
          },
        });
      } else if (entry.method === 'PUT') {
        const id = entry.id!;
        const resource = this.atEntry(entry, () => {
          const r = this.fhir.checkUpdateBody(entry.type, id, bodyOf(entry));
          this.policy.assertWritable(entry.type, r, grant);
          return r;
        });
        await this.atEntryAsync(entry, () => this.fhir.assertReplaceable(entry.type, id, grant));
        const ifMatch = this.atEntry(entry, () => parseIfMatch(entry.ifMatch));
        writes.push({
          entry,
          request: {
            type: entry.type,
            id,
            op: 'put',
            ifMatch,
            build: (v, at) => this.preparer.prepare(entry.type, id, resource, v, at),
          },
        });
      } else if (entry.method === 'PATCH') {
        const operations = this.atEntry(entry, () => {
          try {
            return parsePatch(patchOfEntry(entry));
          } catch (e) {
            if (e instanceof JsonPatchError) throw fhirErrors.invalidPatch(e.message);
            throw e;
          }
        });
        await this.atEntryAsync(entry, async () => {
          if (!(await this.policy.visible(entry.type, entry.id!, grant)))
            throw fhirErrors.notFound(entry.type, entry.id!);
        });
        const ifMatch = this.atEntry(entry, () => parseIfMatch(entry.ifMatch));
        writes.push({
          entry,
          request: {
            type: entry.type,
            id: entry.id!,
            op: 'put',
            ifMatch,
            build: this.patchBuilder(entry, operations, grant),
          },
        });
      } else if (entry.method === 'DELETE') {
        await this.atEntryAsync(entry, async () => {
          const current = await this.store.read(entry.type, entry.id!);
          if (!current || (!current.deleted && !(await this.policy.visible(entry.type, entry.id!, grant))))
            throw fhirErrors.notFound(entry.type, entry.id!);
        });
        const ifMatch = this.atEntry(entry, () => parseIfMatch(entry.ifMatch));
        writes.push({ entry, request: { type: entry.type, id: entry.id!, op: 'delete', ifMatch } });
      }
    }
    // R4 http.html#trules: DELETE, then POST, then PUT and PATCH.
    const rank = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 } as const;
    writes.sort((a, b) => rank[a.entry.method] - rank[b.entry.method] || a.entry.index - b.entry.index);
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.store.write(writes.map((w) => w.request));
    } catch (e) {
      const failed = writes.find(
        (w) =>
          (e as { type?: string; id?: string }).id === w.request.id && (e as { type?: string }).type === w.request.type,
      );
      const error = conflictError(e, failed?.request.ifMatch);
      throw failed ? this.entryError(failed.entry, error) : error;
    }
    writes.forEach((w, n) => {
      responses[w.entry.index] = this.writeResponse(w.entry, outcomes[n], access, prefer);
    });
    for (const entry of entries) {
      if (entry.method !== 'GET' && entry.method !== 'HEAD') continue;
      try {
        responses[entry.index] = this.fromResult(entry, await this.read(entry, access, prefer));
      } catch (e) {
        responses[entry.index] = this.errorEntry(e);
      }
    }
    return responses.map((r) => r!);
  }

  /** A PATCH entry's builder: the patch applies to the version the transaction locked. */
  private patchBuilder(entry: BundleEntry, operations: PatchOperation[], grant: TypeGrant) {
    const { type } = entry;
    const id = entry.id!;
    return (v: number, at: string, current: StoredVersion | null) => {
      if (!current) throw this.entryError(entry, fhirErrors.notFound(type, id));
      if (current.deleted) throw this.entryError(entry, fhirErrors.deleted(type, id));
      let patched: FhirResource;
      try {
        patched = applyPatch(JSON.parse(current.content!), operations) as FhirResource;
      } catch (e) {
        throw this.entryError(entry, e instanceof JsonPatchError ? fhirErrors.invalidPatch(e.message, 422) : e);
      }
      if (typeof patched !== 'object' || patched === null || patched.resourceType !== type || patched.id !== id)
        throw this.entryError(entry, fhirErrors.invalidPatch('A patch may not change the resourceType or id', 422));
      this.atEntry(entry, () => {
        assertValidResource(type, patched);
        this.policy.assertWritable(type, patched, grant);
      });
      return this.preparer.prepare(type, id, patched, v, at);
    };
  }

  private writeResponse(
    entry: BundleEntry,
    outcome: WriteOutcome,
    access: TokenAccess,
    prefer: FhirPreferences,
  ): ResponseEntry {
    const v = outcome.version;
    if (entry.method === 'DELETE') {
      return v ? { status: 204, etag: etag(v.versionId), lastModified: v.lastUpdated } : { status: 204 };
    }
    const result = this.fhir.writeResult(entry.type, v!, outcome.created ? 201 : 200, prefer);
    return this.fromResult(entry, result, access);
  }

  /**
   * A response entry from an interaction's result. Resources go in only on `Prefer: return=representation` (a read or
   * search always), and only of a type the token may read.
   */
  private fromResult(entry: BundleEntry, result: FhirResult, access?: TokenAccess): ResponseEntry {
    const out: ResponseEntry = { status: result.status };
    if (result.location) out.location = result.location;
    if (result.versionId !== undefined) out.etag = etag(result.versionId);
    if (result.lastUpdated) out.lastModified = result.lastUpdated;
    const isWrite = entry.method !== 'GET' && entry.method !== 'HEAD';
    if (result.body !== undefined && entry.method !== 'HEAD') {
      const parsedOutcome = result.body.startsWith('{"resourceType":"OperationOutcome"');
      if (parsedOutcome) out.outcome = JSON.parse(result.body);
      else if (!isWrite || !access || access.grant(entry.type, 'r')) out.resource = result.body;
    }
    return out;
  }

  private errorEntry(e: unknown): ResponseEntry {
    const { error } = normalizeError(e);
    const outcome = e instanceof FhirOutcomeError ? e.outcome() : renderOperationOutcome(error).body;
    return { status: error.status, outcome };
  }

  /** Runs a check for one entry; its error names the entry (Bundle.entry[n]) so the client knows which one failed. */
  private atEntry<T>(entry: BundleEntry, check: () => T): T {
    try {
      return check();
    } catch (e) {
      throw this.entryError(entry, e);
    }
  }

  private async atEntryAsync<T>(entry: BundleEntry, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (e) {
      throw this.entryError(entry, e);
    }
  }

  private entryError(entry: BundleEntry, e: unknown): unknown {
    if (e instanceof RangeError) e = fhirErrors.unprocessable('The resource is nested too deeply to process');
    if (!(e instanceof DomainError) || (e as { entryIndex?: number }).entryIndex !== undefined) return e;
    const where = `Bundle.entry[${entry.index}]`;
    const prefix = `${where} (${entry.method} ${entry.url.slice(0, 100)}): `;
    if (e instanceof FhirOutcomeError) {
      const issues = e.issues.map((i) => ({
        ...i,
        expression: (i.expression ?? []).map(
          (x) =>
            `${where}.resource${x.startsWith(`${entry.type}.`) ? x.slice(entry.type.length) : x === entry.type ? '' : `.${x}`}`,
        ),
        diagnostics: i.diagnostics,
      }));
      const wrapped = new FhirOutcomeError(e.status, e.code, prefix + e.message, issues);
      return Object.assign(wrapped, { entryIndex: entry.index });
    }
    const fieldErrors = (e.options.fieldErrors ?? []).map((f) => ({
      field: f.field
        ? `${where}.resource${f.field.startsWith(`${entry.type}.`) ? f.field.slice(entry.type.length) : `.${f.field}`}`
        : where,
      message: f.message,
    }));
    const wrapped = new DomainError(e.status, e.code, prefix + e.message, {
      ...e.options,
      ...(fieldErrors.length ? { fieldErrors } : {}),
    });
    return Object.assign(wrapped, { entryIndex: entry.index });
  }

  private responseBundle(type: string, responses: ResponseEntry[]): string {
    const head = JSON.stringify({
      resourceType: 'Bundle',
      id: randomUUID(),
      type,
      meta: { lastUpdated: new Date().toISOString() },
    });
    if (responses.length === 0) return head;
    const items = responses.map((r) => {
      const response: Record<string, unknown> = { status: STATUS_TEXT[r.status] ?? String(r.status) };
      if (r.location) response.location = r.location;
      if (r.etag) response.etag = r.etag;
      if (r.lastModified) response.lastModified = r.lastModified;
      if (r.outcome) response.outcome = r.outcome;
      const responseJson = JSON.stringify(response);
      return r.resource !== undefined
        ? `{"resource":${r.resource},"response":${responseJson}}`
        : `{"response":${responseJson}}`;
    });
    return `${head.slice(0, -1)},"entry":[${items.join(',')}]}`;
  }
}
