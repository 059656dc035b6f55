import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { FhirAccessPolicy } from './access/fhir-access-policy';
import { TokenAccess, TypeGrant } from '../scopes/token-access';
import { fhirErrors } from './fhir-errors';
import { FhirPreferences } from './fhir-prefer';
import { assertValidResource, checkResourceBody } from './fhir-resource-body';
import { FHIR_ID, FhirResource, isServedType } from './fhir-resource-types';
import { FhirResult } from './fhir-result';
import { fhirBaseUrl, parseQueryString } from './fhir-urls';
import { applyPatch, JsonPatchError, parsePatch } from './patch/json-patch';
import { ResourcePreparer } from './resource-preparer';
import { ValidationPool } from './validation/validation-pool';
import { SearchParameterRegistry } from './search/search-parameter-registry';
import { parseSearchRequest, QueryValues } from './search/search-request-parser';
import { ResourceStore, StoredVersion, WriteConflict } from './store/resource-store';
import { uuidv7 } from '../common/crypto/uuid7';

/** `W/"3"`, `"3"` or `3` → 3 (R4 http.html#concurrency); undefined without a header. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?([1-9]\d{0,8})"?\s*$/.exec(header);
  if (!m) throw fhirErrors.badIfMatch(header);
  return Number(m[1]);
}

/** The store's write conflicts as FHIR errors. */
export function conflictError(e: unknown, ifMatch: number | undefined): unknown {
  if (!(e instanceof WriteConflict)) return e;
  if (e.reason === 'duplicate') return fhirErrors.invalidBundle(`${e.type}/${e.id} is written more than once`);
  return fhirErrors.versionConflict(e.type, e.id, ifMatch ?? 0, e.current);
}

/**
 * The FHIR RESTful interactions on one resource or type (FHIR R4 http.html). The scope guard has already checked the
 * interaction and type; this service checks each grant again through the token's access (which also confines the
 * types the guard cannot see) and enforces what the guard cannot: the patient compartment and SMART v2 `?param=value`
 * restrictions, on everything read and written.
 */
@Injectable()
export class FhirService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: ResourceStore,
    private readonly registry: SearchParameterRegistry,
    private readonly policy: FhirAccessPolicy,
    private readonly preparer: ResourcePreparer,
    private readonly validation: ValidationPool,
  ) {
    this.base = fhirBaseUrl(config.publicUrl);
  }

  /** R4 http.html#read: one primary-key lookup; 404 unknown, 410 deleted. */
  async read(type: string, id: string, access: TokenAccess): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'r', 'read');
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    const current = await this.store.read(type, id);
    if (!current) throw fhirErrors.notFound(type, id);
    if (current.deleted) {
      // A deleted resource has no content to check; its last live version decides whether it was within reach.
      if (!(await this.versionVisible(type, id, current.versionId - 1, grant))) throw fhirErrors.notFound(type, id);
      throw fhirErrors.deleted(type, id);
    }
    // Outside the token's reach answers 404 like an unknown id, so it is no existence oracle.
    if (!(await this.policy.visible(type, id, grant))) throw fhirErrors.notFound(type, id);
    return this.resourceResult(current, 200);
  }

  /** R4 http.html#vread. */
  async vread(type: string, id: string, version: string, access: TokenAccess): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'r', 'vread');
    if (!FHIR_ID.test(id) || !/^[1-9]\d{0,8}$/.test(version)) throw fhirErrors.versionNotFound(type, id, version);
    const stored = await this.store.vread(type, id, Number(version));
    if (!stored) throw fhirErrors.versionNotFound(type, id, version);
    const checked = stored.deleted ? Number(version) - 1 : Number(version);
    if (!(await this.versionVisible(type, id, checked, grant, stored.deleted ? undefined : stored)))
      throw fhirErrors.versionNotFound(type, id, version);
    if (stored.deleted) throw fhirErrors.deleted(type, id);
    return this.resourceResult(stored, 200);
  }

  /**
   * Whether one version is within the grant's reach, judged on its own content (old versions have no index rows):
   * the patient compartment; a `?param=value` restriction is judged on the current resource.
   */
  private async versionVisible(
    type: string,
    id: string,
    versionId: number,
    grant: TypeGrant,
    known?: StoredVersion,
  ): Promise<boolean> {
    if (!grant.patientCompartment && !this.policy.restricted(type, grant)) return true;
    if (this.policy.restricted(type, grant) && !(await this.policy.visible(type, id, grant))) return false;
    if (!grant.patientCompartment) return true;
    const version = known ?? (versionId > 0 ? await this.store.vread(type, id, versionId) : null);
    if (!version?.content) return false;
    return this.policy.contentInCompartment(type, JSON.parse(version.content) as FhirResource, grant);
  }

  /**
   * R4 http.html#create: the server assigns the id and meta; a client-sent id is ignored. With `If-None-Exist`
   * (#ccreate), an existing match is answered instead (200), and several matches are 412.
   */
  async create(
    type: string,
    body: unknown,
    access: TokenAccess,
    prefer: FhirPreferences = {},
    ifNoneExist?: string,
  ): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'c', 'create');
    await this.validation.validateAhead([{ type, resource: body }]);
    const resource = checkResourceBody(type, body);
    this.policy.assertWritable(type, resource, grant);
    if (ifNoneExist !== undefined && ifNoneExist.trim() !== '') {
      const existing = await this.conditionalMatch(type, ifNoneExist, access);
      if (existing) return this.existingResult(type, existing, access, prefer);
    }
    const id = uuidv7();
    const { version } = await this.store.put(type, id, (v, at) => this.preparer.prepare(type, id, resource, v, at), {
      fresh: true,
    });
    return this.writeResult(type, version, 201, prefer);
  }

  /**
   * The one resource a conditional interaction's query matches (null: none; 412 for more), searched with what the token
   * may see of the type: the condition is a search, so it needs the search permission (else it would be an existence
   * oracle). `query` is the `If-None-Exist` header's text or the URL's parameters (R4 http.html#ccreate, #cond-update).
   */
  async conditionalMatch(
    type: string,
    query: string | QueryValues,
    access: TokenAccess,
    interaction = 'conditional create (If-None-Exist is a search)',
  ): Promise<StoredVersion | null> {
    const grant = access.require(type, 's', interaction);
    const values = typeof query === 'string' ? parseQueryString(query.replace(/^\?/, '')) : query;
    const request = parseSearchRequest(type, values, this.registry, {
      strict: true,
      fhirBase: this.base,
      cross: (t) => {
        const g = access.require(t, 's', 'search');
        return this.policy.conditions(t, g);
      },
    });
    if (request.conditions.length === 0)
      throw fhirErrors.invalidSearch(`The condition of a ${interaction.split(' (')[0]} names no search parameter`);
    const page = await this.store.search(type, [...request.conditions, ...this.policy.conditions(type, grant)], {
      count: 2,
      offset: 0,
      total: true,
    });
    if ((page.total ?? 0) > 1) throw fhirErrors.multipleMatches(type, page.total!);
    const match = page.entries[0];
    return match ? this.store.read(type, match.id) : null;
  }

  /** The answer to a conditional create that found its match: 200, the resource only if the token may read it. */
  existingResult(type: string, existing: StoredVersion, access: TokenAccess, prefer: FhirPreferences): FhirResult {
    const result = this.writeResult(type, existing, 200, prefer);
    if (!access.grant(type, 'r') && prefer.return !== 'OperationOutcome') delete result.body;
    return result;
  }

  /**
   * R4 http.html#update: the body's id must equal the URL's; an unknown id is created (update as create). With
   * `If-Match`, the update applies only to that version (412 otherwise), checked under the row lock.
   */
  async update(
    type: string,
    id: string,
    body: unknown,
    access: TokenAccess,
    prefer: FhirPreferences = {},
    ifMatchHeader?: string,
  ): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'u', 'update');
    const ifMatch = parseIfMatch(ifMatchHeader);
    await this.validation.validateAhead([{ type, resource: body }]);
    const resource = this.checkUpdateBody(type, id, body);
    this.policy.assertWritable(type, resource, grant);
    await this.assertReplaceable(type, id, grant);
    try {
      const { version, created } = await this.store.put(
        type,
        id,
        (v, at) => this.preparer.prepare(type, id, resource, v, at),
        { ifMatch },
      );
      return this.writeResult(type, version, created ? 201 : 200, prefer);
    } catch (e) {
      throw conflictError(e, ifMatch);
    }
  }

  /**
   * R4 http.html#cond-update, `PUT [type]?search`: no match creates the resource (with its own id, if it carries one,
   * as an update as create), one match is updated (a different id in the body is 400), more are 412.
   */
  async conditionalUpdate(
    type: string,
    query: QueryValues,
    body: unknown,
    access: TokenAccess,
    prefer: FhirPreferences = {},
    ifMatchHeader?: string,
  ): Promise<FhirResult> {
    this.assertServed(type);
    access.require(type, 'u', 'update');
    const resource = checkResourceBody(type, body);
    const match = await this.conditionalMatch(type, query, access, 'conditional update (its URL is a search)');
    if (match) {
      if (resource.id !== undefined && resource.id !== match.id)
        throw fhirErrors.invalidResource(
          `The resource id "${resource.id}" is not the id of the resource the condition matches`,
          `${type}.id`,
        );
      return this.update(type, match.id, { ...resource, id: match.id }, access, prefer, ifMatchHeader);
    }
    if (resource.id !== undefined) return this.update(type, resource.id, resource, access, prefer, ifMatchHeader);
    // If-Match names a version of a resource, and no resource matched.
    if (ifMatchHeader !== undefined) throw fhirErrors.versionConflict(type, '?', parseIfMatch(ifMatchHeader) ?? 0);
    return this.create(type, resource, access, prefer);
  }

  /**
   * R4 http.html#cdelete, `DELETE [type]?search` (conditionalDelete `single`): the one match is deleted as by id; more
   * are 412, and none is 404, as nothing was there to delete.
   */
  async conditionalDelete(type: string, query: QueryValues, access: TokenAccess): Promise<FhirResult> {
    this.assertServed(type);
    access.require(type, 'd', 'delete');
    const match = await this.conditionalMatch(type, query, access, 'conditional delete (its URL is a search)');
    if (!match) throw fhirErrors.noMatch(type);
    return this.delete(type, match.id, access);
  }

  /** The body of an update: a valid resource of the URL's type carrying the URL's id. */
  checkUpdateBody(type: string, id: string, body: unknown): FhirResource {
    if (!FHIR_ID.test(id)) throw fhirErrors.invalidResource(`"${id}" is not a valid resource id`);
    const resource = checkResourceBody(type, body);
    if (resource.id === undefined)
      throw fhirErrors.invalidResource('The resource must carry the id of the URL', `${type}.id`);
    if (resource.id !== id)
      throw fhirErrors.invalidResource(
        `The resource id "${resource.id}" does not match the URL id "${id}"`,
        `${type}.id`,
      );
    return resource;
  }

  /** An existing live resource may be replaced only when it is within the token's reach. */
  async assertReplaceable(type: string, id: string, grant: TypeGrant): Promise<void> {
    if (!grant.patientCompartment && !this.policy.restricted(type, grant)) return;
    if (await this.policy.visible(type, id, grant)) return;
    const current = await this.store.read(type, id);
    if (current && !current.deleted) throw fhirErrors.outsideCompartment(type);
  }

  /**
   * R4 http.html#patch with JSON Patch (RFC 6902): applied to the current version inside the write transaction, so no
   * concurrent update is lost; the result must still be a valid resource with the same type and id.
   */
  async patch(
    type: string,
    id: string,
    body: unknown,
    access: TokenAccess,
    prefer: FhirPreferences = {},
    ifMatchHeader?: string,
  ): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'u', 'patch');
    const ifMatch = parseIfMatch(ifMatchHeader);
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    let operations;
    try {
      operations = parsePatch(body);
    } catch (e) {
      throw fhirErrors.invalidPatch((e as Error).message);
    }
    if (!(await this.policy.visible(type, id, grant))) throw fhirErrors.notFound(type, id);
    try {
      const { version } = await this.store.put(
        type,
        id,
        (v, at, current) => {
          if (!current) throw fhirErrors.notFound(type, id);
          if (current.deleted) throw fhirErrors.deleted(type, id);
          let patched: unknown;
          try {
            patched = applyPatch(JSON.parse(current.content!), operations);
          } catch (e) {
            if (e instanceof JsonPatchError) throw fhirErrors.invalidPatch(e.message, 422);
            throw e;
          }
          const resource = patched as FhirResource;
          if (typeof patched !== 'object' || patched === null || resource.resourceType !== type || resource.id !== id)
            throw fhirErrors.invalidPatch('A patch may not change the resourceType or id', 422);
          assertValidResource(type, resource);
          this.policy.assertWritable(type, resource, grant);
          return this.preparer.prepare(type, id, resource, v, at);
        },
        { ifMatch },
      );
      return this.writeResult(type, version, 200, prefer);
    } catch (e) {
      throw conflictError(e, ifMatch);
    }
  }

  /** R4 http.html#delete: 204, and later reads answer 410. Deleting a deleted resource is a no-op. */
  async delete(type: string, id: string, access: TokenAccess, ifMatchHeader?: string): Promise<FhirResult> {
    this.assertServed(type);
    const grant = access.require(type, 'd', 'delete');
    const ifMatch = parseIfMatch(ifMatchHeader);
    if (!FHIR_ID.test(id)) throw fhirErrors.notFound(type, id);
    const current = await this.store.read(type, id);
    if (!current) throw fhirErrors.notFound(type, id);
    if (!current.deleted && !(await this.policy.visible(type, id, grant))) throw fhirErrors.notFound(type, id);
    try {
      const deleted = await this.store.delete(type, id, ifMatch);
      if (!deleted) throw fhirErrors.notFound(type, id);
      return { status: 204, versionId: deleted.versionId, lastUpdated: deleted.lastUpdated, resourceId: id };
    } catch (e) {
      throw conflictError(e, ifMatch);
    }
  }

  /** Whether any live resource of the type exists (the demo seeder's "is the store empty?"). */
  async isEmpty(type: string): Promise<boolean> {
    return (await this.store.search(type, [], { count: 0, offset: 0, total: true })).total === 0;
  }

  private assertServed(type: string): void {
    if (!isServedType(type)) throw fhirErrors.unsupportedType(type);
  }

  private resourceResult(v: StoredVersion, status: number): FhirResult {
    return {
      status,
      body: v.content ?? undefined,
      versionId: v.versionId,
      lastUpdated: v.lastUpdated,
      resourceId: v.id,
    };
  }

  /** The answer to a write, shaped by `Prefer: return=` (R4 http.html#ops). */
  writeResult(type: string, v: StoredVersion, status: number, prefer: FhirPreferences): FhirResult {
    const result = this.resourceResult(v, status);
    result.location = `${this.base}/${type}/${v.id}/_history/${v.versionId}`;
    if (prefer.return === 'minimal') delete result.body;
    if (prefer.return === 'OperationOutcome') {
      const what = status === 201 ? 'created' : status === 200 && v.versionId === 1 ? 'found' : 'updated';
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
}
