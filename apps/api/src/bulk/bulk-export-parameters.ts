import { bulkErrors } from './bulk-errors';

/** The export level: [base]/$export, [base]/Patient/$export or [base]/Group/{id}/$export (Bulk Data IG 2.0). */
export type ExportLevel = 'system' | 'patient' | 'group';

/** The kick-off parameters this server acts on, once validated. */
export interface BulkExportParameters {
  /** Resource types asked for (`_type`); empty means every type the token may read. */
  types: string[];
  /** `_since` as a fixed-width ISO instant: only resources last updated after it. */
  since: string | null;
  /** `_typeFilter`: per type, the FHIR search queries of which a resource must match one. */
  typeFilters: Record<string, string[]>;
  /** `patient` (Patient- and Group-level): only these patients' compartments. */
  patients: string[];
}

/** One kick-off parameter as received: from the query string (GET) or a Parameters resource (POST). */
export interface RawParameter {
  name: string;
  value: string;
}

// Bulk Data IG 2.0 §Query Parameters: the NDJSON formats a server must accept under these names.
const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
// Parameters the IG defines that this server does not implement: an error, or ignored with handling=lenient.
const UNSUPPORTED = new Set([
  '_elements',
  'includeAssociatedData',
  '_until',
  'organizeOutputBy',
  'allowPartialManifests',
]);
// FHIR R4 datatypes.html#instant.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const TYPE = /^[A-Z][A-Za-z]+$/;
const PATIENT_REFERENCE = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/;

export interface ParseOptions {
  level: ExportLevel;
  lenient: boolean;
  isServedType: (type: string) => boolean;
}

/**
 * Validates the kick-off parameters (Bulk Data IG 2.0 §Query Parameters): an unknown or unsupported parameter or an
 * invalid value is a 400, unless `Prefer: handling=lenient` asks for it to be ignored.
 */
export function parseExportParameters(raw: readonly RawParameter[], options: ParseOptions): BulkExportParameters {
  const out: BulkExportParameters = { types: [], since: null, typeFilters: {}, patients: [] };
  const refuse = (error: Error) => {
    if (!options.lenient) throw error;
  };
  for (const { name, value } of raw) {
    switch (name) {
      case '_outputFormat':
        if (!OUTPUT_FORMATS.has(value))
          refuse(
            bulkErrors.unsupported(`_outputFormat "${value}" is not supported; use application/fhir+ndjson`, name),
          );
        break;
      case '_since': {
        const at = INSTANT.test(value) ? new Date(value) : null;
        if (!at || Number.isNaN(at.getTime()))
          throw bulkErrors.invalidRequest(`_since must be a FHIR instant, got "${value}"`, name);
        out.since = at.toISOString();
        break;
      }
      case '_type':
        for (const type of value.split(',').map((s) => s.trim())) {
          if (!type) continue;
          if (!TYPE.test(type) || !options.isServedType(type)) {
            refuse(bulkErrors.unsupported(`_type "${type}" is not a resource type this server exports`, name));
            continue;
          }
          if (!out.types.includes(type)) out.types.push(type);
        }
        break;
      case '_typeFilter':
        for (const filter of value.split(',')) {
          const q = filter.indexOf('?');
          const type = q === -1 ? filter : filter.slice(0, q);
          if (q === -1 || !TYPE.test(type) || !options.isServedType(type)) {
            refuse(bulkErrors.invalidRequest(`_typeFilter "${filter}" must be [type]?[search query]`, name));
            continue;
          }
          (out.typeFilters[type] ??= []).push(filter.slice(q + 1));
        }
        break;
      case 'patient': {
        if (options.level === 'system') {
          refuse(bulkErrors.unsupported('patient is a parameter of Patient- and Group-level exports only', name));
          break;
        }
        const m = PATIENT_REFERENCE.exec(value);
        if (!m) throw bulkErrors.invalidRequest(`patient must reference a Patient, got "${value}"`, name);
        if (!out.patients.includes(m[1])) out.patients.push(m[1]);
        break;
      }
      default:
        refuse(
          UNSUPPORTED.has(name)
            ? bulkErrors.unsupported(`${name} is not supported by this server`, name)
            : bulkErrors.invalidRequest(`${name} is not a parameter of $export`, name),
        );
    }
  }
  // Bulk Data IG 2.0: a _typeFilter for a type outside _type selects nothing; say so rather than export it.
  if (out.types.length > 0) {
    for (const type of Object.keys(out.typeFilters)) {
      if (!out.types.includes(type)) {
        refuse(bulkErrors.invalidRequest(`_typeFilter names ${type}, which _type leaves out`, '_typeFilter'));
        delete out.typeFilters[type];
      }
    }
  }
  return out;
}

/** The parameters of a GET kick-off: each query value, repeated names kept. */
export function queryParameters(query: Record<string, string | string[] | undefined>): RawParameter[] {
  const out: RawParameter[] = [];
  for (const [name, v] of Object.entries(query)) {
    for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.push({ name, value });
  }
  return out;
}

/**
 * The parameters of a POST kick-off: a FHIR Parameters resource (Bulk Data IG 2.0 §POST), each `parameter` a
 * valueString, valueInstant, valueCode, valueUri or (for `patient`) valueReference.
 */
export function parametersResource(body: unknown): RawParameter[] {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return [];
  const resource = body as { resourceType?: unknown; parameter?: unknown };
  if (typeof body !== 'object' || resource.resourceType !== 'Parameters')
    throw bulkErrors.invalidRequest('A POST kick-off carries a FHIR Parameters resource');
  const list = resource.parameter ?? [];
  if (!Array.isArray(list)) throw bulkErrors.invalidRequest('Parameters.parameter must be an array');
  return list.map((p: Record<string, unknown>, i: number) => {
    const name = p?.name;
    const value =
      p?.valueString ??
      p?.valueInstant ??
      p?.valueCode ??
      p?.valueUri ??
      p?.valueDateTime ??
      (p?.valueReference as { reference?: unknown } | undefined)?.reference;
    if (typeof name !== 'string' || typeof value !== 'string')
      throw bulkErrors.invalidRequest(
        `Parameters.parameter[${i}] needs a name and a string, instant or reference value`,
      );
    return { name, value };
  });
}
