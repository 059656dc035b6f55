import { fhirErrors } from '../fhir-errors';
import { FHIR_ID } from '../fhir-resource-types';

export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One entry of a batch or transaction, with its request URL taken apart (R4 bundle.html#request). */
export interface BundleEntry {
  index: number;
  method: EntryMethod;
  /** `Patient`, `Patient/1`, `Patient/1/_history/2`, or `Patient?name=x` as given (relative). */
  url: string;
  type: string;
  id?: string;
  versionId?: string;
  /** `_history` on a type or instance. */
  history?: boolean;
  /** The query of a search (GET) or a conditional write. */
  query?: string;
  fullUrl?: string;
  resource?: unknown;
  ifMatch?: string;
  ifNoneExist?: string;
}

const METHODS = new Set<EntryMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const TYPE = /^[A-Z][A-Za-z]{1,63}$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entries of a batch or transaction Bundle, checked for the shape R4 bundle.html#request requires. */
export function parseBundleEntries(bundle: Json, fhirBase: string): BundleEntry[] {
  if (bundle.entry === undefined) return [];
  if (!Array.isArray(bundle.entry)) throw fhirErrors.invalidBundle('Bundle.entry must be an array', 'Bundle.entry');
  return bundle.entry.map((raw, index) => parseEntry(raw, index, fhirBase));
}

function parseEntry(raw: unknown, index: number, fhirBase: string): BundleEntry {
  const at = `Bundle.entry[${index}]`;
  const fail = (message: string, where = at) => fhirErrors.invalidBundle(`${where}: ${message}`, where);
  if (!isObject(raw)) throw fail('an entry must be an object');
  const request = raw.request;
  if (!isObject(request)) throw fail('request (method and url) is required', `${at}.request`);
  const method = typeof request.method === 'string' ? (request.method.toUpperCase() as EntryMethod) : undefined;
  if (!method || !METHODS.has(method))
    throw fail('request.method must be GET, HEAD, POST, PUT, PATCH or DELETE', `${at}.request.method`);
  if (typeof request.url !== 'string' || request.url === '') throw fail('request.url is required', `${at}.request.url`);
  let url = request.url;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) {
    if (!url.startsWith(fhirBase + '/'))
      throw fail(`request.url ${url.slice(0, 100)} is not on this server`, `${at}.request.url`);
    url = url.slice(fhirBase.length + 1);
  }
  url = url.replace(/^\//, '');
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? undefined : url.slice(q + 1);
  const segments = path.split('/');
  const [type, id, op, versionId] = segments;
  if (!TYPE.test(type ?? ''))
    throw fail(`request.url "${url.slice(0, 100)}" does not start with a resource type`, `${at}.request.url`);
  const entry: BundleEntry = { index, method, url, type };
  if (query !== undefined) entry.query = query;
  if (segments.length === 2 && id === '_history') entry.history = true;
  else if (segments.length >= 2) {
    if (!FHIR_ID.test(id)) throw fail(`"${id.slice(0, 70)}" is not a resource id`, `${at}.request.url`);
    entry.id = id;
    if (segments.length === 3 && op === '_history') entry.history = true;
    else if (segments.length === 4 && op === '_history' && /^[1-9]\d{0,8}$/.test(versionId))
      entry.versionId = versionId;
    else if (segments.length > 2)
      throw fail(`request.url "${url.slice(0, 100)}" is not supported`, `${at}.request.url`);
  }
  if (typeof raw.fullUrl === 'string') entry.fullUrl = raw.fullUrl;
  if (raw.resource !== undefined) entry.resource = raw.resource;
  if (typeof request.ifMatch === 'string') entry.ifMatch = request.ifMatch;
  if (typeof request.ifNoneExist === 'string') entry.ifNoneExist = request.ifNoneExist;
  const needsResource = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (needsResource && !isObject(entry.resource)) throw fail(`a ${method} entry needs a resource`, `${at}.resource`);
  if (
    (method === 'PUT' || method === 'PATCH' || method === 'DELETE') &&
    (!entry.id || entry.versionId || entry.history)
  )
    throw fail(
      `${method} needs a URL of the form Type/id (conditional ${method} is not supported)`,
      `${at}.request.url`,
    );
  if (method === 'POST' && (entry.id || entry.query)) throw fail('POST takes the URL of a type', `${at}.request.url`);
  return entry;
}

/**
 * The JSON Patch of a PATCH entry: a Binary whose content type is application/json-patch+json
 * (R4 http.html#patch: "in a Bundle, the patch is carried as a Binary").
 */
export function patchOfEntry(entry: BundleEntry): unknown {
  const r = entry.resource as Json;
  const at = `Bundle.entry[${entry.index}].resource`;
  if (r.resourceType !== 'Binary' || typeof r.data !== 'string' || !/json-patch\+json/.test(String(r.contentType)))
    throw fhirErrors.invalidBundle(
      `${at}: a PATCH entry carries a Binary of contentType application/json-patch+json`,
      at,
    );
  try {
    return JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
  } catch {
    throw fhirErrors.invalidBundle(`${at}: the Binary data is not base64 JSON`, at);
  }
}

/**
 * Replaces every string equal to one of `ids` (a `urn:uuid:` fullUrl) with the reference it stands for, anywhere in the
 * resource, and inside narrative (R4 http.html#trules: references in resources and in narrative are rewritten).
 */
export function rewriteReferences(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (ids.size === 0) return value;
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      const hit = ids.get(v);
      if (hit !== undefined) return hit;
      if (key === 'div' && v.includes('urn:uuid:')) {
        let out = v;
        for (const [from, to] of ids) out = out.split(from).join(to);
        return out;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (isObject(v)) {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return walk(value);
}
