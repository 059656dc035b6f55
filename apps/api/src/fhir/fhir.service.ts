import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ResourceScope } from '@ccri/smart-scopes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { FhirAccess } from '../scopes/fhir-access';
import { fhirErrors } from './fhir-errors';
import { FhirPreferences } from './fhir-prefer';
import { parseResourceBody } from './fhir-resource-body';
import { FHIR_ID, FhirResource, isServedType } from './fhir-resource-types';
import { IndexExtractor } from './search/index-extractor';
import { PatientCompartment } from './search/patient-compartment';
import { SearchCondition } from './search/search-condition';
import { SearchParameterRegistry } from './search/search-parameter-registry';
import { parseSearchRequest, QueryValues, SearchRequest } from './search/search-request-parser';
import { PreparedVersion, ResourceStore, StoredVersion } from './store/resource-store';

/** What an interaction answers; the controller turns it into status, headers and body. */
export interface FhirResult {
  status: number;
  /** JSON text, sent as is. */
  body?: string;
  /** For ETag and Last-Modified (R4 http.html#versioning). */
  versionId?: number;
  lastUpdated?: string;
  /** Absolute URL of the version written (R4 http.html#create). */
  location?: string;
  /** The resource a create or update wrote, for the audit record. */
  resourceId?: string;
}

/** `<PUBLIC_URL>/fhir`, the base every absolute URL of this API starts with. */
export function fhirBaseUrl(publicUrl: string): string {
  return `${publicUrl}/fhir`;
}

/**
 * The FHIR RESTful interactions on the generic store (FHIR R4 http.html). The scope guard has already checked the
 * interaction and type; this service enforces what the guard cannot see: the patient compartment of a token with a
 * patient context and SMART v2 `?param=value` scope restrictions.
 */
@Injectable()
export class FhirService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: ResourceStore,
    private readonly registry: SearchParameterRegistry,
    private readonly extractor: IndexExtractor,
    private readonly compartment: PatientCompartment,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  /** R4 http.html#read: one primary-key lookup; 404 unknown, 410 deleted. */
  async read(type: string, id: string, access?: FhirAccess): Promise<FhirResult> {
    this.assertServed(type);
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    const current = await this.store.read(type, id);
    if (!current) throw fhirErrors.notFound(type, id);
    // Outside the token's reach answers 404 like an unknown id, so it is no existence oracle.
    if (!(await this.visible(type, id, access))) throw fhirErrors.notFound(type, id);
    if (current.deleted) throw fhirErrors.deleted(type, id);
    return this.resourceResult(type, current, 200);
  }

  /** R4 http.html#vread. */
  async vread(type: string, id: string, version: string, access?: FhirAccess): Promise<FhirResult> {
    this.assertServed(type);
    if (!FHIR_ID.test(id) || !/^[1-9]\d{0,8}$/.test(version)) throw fhirErrors.versionNotFound(type, id, version);
    const stored = await this.store.vread(type, id, Number(version));
    if (!stored || !(await this.visible(type, id, access))) throw fhirErrors.versionNotFound(type, id, version);
    if (stored.deleted) throw fhirErrors.deleted(type, id);
    return this.resourceResult(type, stored, 200);
  }

  /** R4 http.html#create: the server assigns the id and meta; a client-sent id is ignored. */
  async create(type: string, body: unknown, access?: FhirAccess, prefer: FhirPreferences = {}): Promise<FhirResult> {
    this.assertServed(type);
    const resource = parseResourceBody(type, body);
    this.assertWritable(type, resource, access);
    const id = randomUUID();
    const { version } = await this.store.put(type, id, (v, at) => this.prepare(type, id, resource, v, at));
    return this.writeResult(type, version, 201, prefer);
  }

  /** R4 http.html#update: the body's id must equal the URL's; an unknown id is created (update as create). */
  async update(
    type: string,
    id: string,
    body: unknown,
    access?: FhirAccess,
    prefer: FhirPreferences = {},
  ): Promise<FhirResult> {
    this.assertServed(type);
    const resource = parseResourceBody(type, body);
    if (!FHIR_ID.test(id)) throw fhirErrors.invalidResource(`"${id}" is not a valid resource id`);
    if (resource.id === undefined)
      throw fhirErrors.invalidResource('The resource must carry the id of the URL', `${type}.id`);
    if (resource.id !== id)
      throw fhirErrors.invalidResource(
        `The resource id "${resource.id}" does not match the URL id "${id}"`,
        `${type}.id`,
      );
    this.assertWritable(type, resource, access);
    if (!(await this.visible(type, id, access))) {
      const current = await this.store.read(type, id);
      if (current && !current.deleted) throw fhirErrors.outsideCompartment(type);
    }
    const { version, created } = await this.store.put(type, id, (v, at) => this.prepare(type, id, resource, v, at));
    return this.writeResult(type, version, created ? 201 : 200, prefer);
  }

  /** R4 http.html#delete: 204, and later reads answer 410. Deleting a deleted resource is a no-op. */
  async delete(type: string, id: string, access?: FhirAccess): Promise<FhirResult> {
    this.assertServed(type);
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    if (!(await this.visible(type, id, access))) throw fhirErrors.notFound(type, id);
    const deleted = await this.store.delete(type, id);
    if (!deleted) throw fhirErrors.notFound(type, id);
    return { status: 204, versionId: deleted.versionId, lastUpdated: deleted.lastUpdated };
  }

  /** R4 search.html: a searchset Bundle of one page, with total and self/next/previous links. */
  async search(
    type: string,
    query: QueryValues,
    access?: FhirAccess,
    prefer: FhirPreferences = {},
  ): Promise<FhirResult> {
    this.assertServed(type);
    const request = parseSearchRequest(type, query, this.registry, {
      strict: prefer.handling === 'strict',
      fhirBase: this.base,
    });
    const conditions = [...request.conditions, ...this.accessConditions(type, access)];
    const page = await this.store.search(type, conditions, { count: request.count, offset: request.offset });
    return { status: 200, body: this.searchBundle(type, request, page.total, page.entries) };
  }

  /** Whether any live resource of the type exists (the demo seeder's "is the store empty?"). */
  async isEmpty(type: string): Promise<boolean> {
    return (await this.store.search(type, [], { count: 0, offset: 0 })).total === 0;
  }

  private assertServed(type: string): void {
    if (!isServedType(type)) throw fhirErrors.unsupportedType(type);
  }

  /** The conditions the token adds to every search: its patient compartment and its scope restrictions. */
  private accessConditions(type: string, access: FhirAccess | undefined): SearchCondition[] {
    const out: SearchCondition[] = [];
    const patient = access?.patientCompartment;
    if (patient) {
      const c = this.compartment.condition(type, patient);
      if (c) out.push(c);
    }
    const restriction = this.scopeRestriction(type, access);
    if (restriction) out.push(restriction);
    return out;
  }

  /**
   * SMART v2 `?param=value` restrictions (SMART App Launch 2.x §Finer-grained resource constraints): with every
   * granting scope restricted, a resource must meet one scope's query. A query this server cannot evaluate grants
   * nothing.
   */
  private scopeRestriction(type: string, access: FhirAccess | undefined): SearchCondition | null {
    const scopes: readonly ResourceScope[] = access?.matched ?? [];
    if (scopes.length === 0 || scopes.some((s) => s.query.length === 0)) return null;
    return {
      kind: 'or',
      items: scopes.map((s): SearchCondition => {
        const query: Record<string, string[]> = {};
        for (const [k, v] of s.query) (query[k] ??= []).push(v);
        try {
          const parsed = parseSearchRequest(type, query, this.registry, { strict: true, fhirBase: this.base });
          return { kind: 'and', items: parsed.conditions };
        } catch {
          return { kind: 'none' };
        }
      }),
    };
  }

  /** Whether the stored resource is within the token's reach (compartment and scope restrictions). */
  private async visible(type: string, id: string, access: FhirAccess | undefined): Promise<boolean> {
    const patient = access?.patientCompartment;
    if (!patient && !this.scopeRestriction(type, access)) return true;
    if (type === 'Patient' && id === patient && !this.scopeRestriction(type, access)) return true;
    const conditions = this.accessConditions(type, access);
    return conditions.length === 0 || this.store.matches(type, id, { kind: 'and', items: conditions });
  }

  /** What a write must satisfy before anything is stored. */
  private assertWritable(type: string, resource: FhirResource, access: FhirAccess | undefined): void {
    const patient = access?.patientCompartment;
    if (patient && !this.compartment.contains(type, resource, patient, this.extractor))
      throw fhirErrors.outsideCompartment(type);
    // Checking new content against arbitrary restriction queries is not supported yet: refuse rather than ignore them.
    if (this.scopeRestriction(type, access)) throw fhirErrors.restrictedWrite(type);
  }

  /** The stored form of a version: server-assigned id and meta, then the client's content unchanged. */
  private prepare(
    type: string,
    id: string,
    resource: FhirResource,
    versionId: number,
    lastUpdated: string,
  ): PreparedVersion {
    const { resourceType, id: _ignored, meta, ...rest } = resource;
    const stored: FhirResource = {
      resourceType,
      id,
      meta: { ...(meta ?? {}), versionId: String(versionId), lastUpdated },
      ...rest,
    };
    return { content: JSON.stringify(stored), rows: this.extractor.extract(type, stored) };
  }

  private resourceResult(type: string, v: StoredVersion, status: number): FhirResult {
    return {
      status,
      body: v.content ?? undefined,
      versionId: v.versionId,
      lastUpdated: v.lastUpdated,
      resourceId: v.id,
    };
  }

  private writeResult(type: string, v: StoredVersion, status: number, prefer: FhirPreferences): FhirResult {
    const result = this.resourceResult(type, v, status);
    result.location = `${this.base}/${type}/${v.id}/_history/${v.versionId}`;
    if (prefer.return === 'minimal') delete result.body;
    if (prefer.return === 'OperationOutcome') {
      const what = status === 201 ? 'created' : 'updated';
      result.body = JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            diagnostics: `${type}/${v.id} ${what} as version ${v.versionId}`,
          },
        ],
      });
    }
    return result;
  }

  private searchBundle(
    type: string,
    request: SearchRequest,
    total: number,
    entries: { id: string; content: string }[],
  ): string {
    const url = (offset: number) => {
      const params = [...request.applied, ['_count', String(request.count)]];
      if (offset > 0) params.push(['_offset', String(offset)]);
      return `${this.base}/${type}?` + params.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v)}`).join('&');
    };
    const link = [{ relation: 'self', url: url(request.offset) }];
    if (request.count > 0 && request.offset + request.count < total)
      link.push({ relation: 'next', url: url(request.offset + request.count) });
    if (request.offset > 0)
      link.push({ relation: 'previous', url: url(Math.max(0, request.offset - Math.max(request.count, 1))) });
    const head = JSON.stringify({
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
      total,
      link,
    });
    if (entries.length === 0) return head;
    // The stored JSON is spliced in as is: no parse and re-serialise per entry.
    const items = entries.map(
      (e) =>
        `{"fullUrl":${JSON.stringify(`${this.base}/${type}/${e.id}`)},"resource":${e.content},"search":{"mode":"match"}}`,
    );
    return `${head.slice(0, -1)},"entry":[${items.join(',')}]}`;
  }
}

/** Percent-encodes a query key or value, leaving the characters FHIR search syntax uses readable. */
function encodeQueryPart(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%7C/gi, '|').replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}
