import { DataSource } from 'typeorm';
import { limitSql } from '../fhir/search/sql-fragment';
import { FHIR_TABLES } from '../fhir/store/fhir-tables';

/** Which patients' compartments a read is confined to: some patients, any patient, or none (no confinement). */
export type PatientFilter = { kind: 'patients'; ids: readonly string[] } | { kind: 'any-patient' };

export interface TypeRead {
  type: string;
  /** The compartment parameters of the type (PatientCompartment.paramsFor); needed when `filters` is non-empty. */
  compartmentParams: readonly string[];
  /** Only resources last updated after this instant (`_since`). */
  since: string | null;
  /** And at or before this one (the job's transactionTime). */
  until: string;
  /** Every filter must hold: the export level's patients, the token's patient context. */
  filters: readonly PatientFilter[];
}

export interface StoredRow {
  id: string;
  content: string;
}

/** Rows per keyset page: big enough to amortise a round trip, small enough to bound memory. */
export const PAGE_ROWS = 500;

/**
 * Streams the current versions of one type straight from the resource table, in pages by id (keyset pagination:
 * `id > last ORDER BY id LIMIT n`), so an export of any size holds one page in memory. Reads the FHIR store's tables
 * (fhir/store/fhir-tables.ts) read-only; the JSON is served as stored.
 */
export class BulkResourceReader {
  constructor(private readonly dataSource: DataSource) {}

  async *rows(read: TypeRead, signal?: AbortSignal): AsyncGenerator<StoredRow[]> {
    let after = '';
    for (;;) {
      signal?.throwIfAborted();
      const { sql, params } = this.pageQuery(read, after);
      const rows = (await this.dataSource.query(sql, params)) as { id: string; content: string | object }[];
      if (rows.length === 0) return;
      // MySQL's JSON column comes back parsed; SQLite's as the stored text.
      yield rows.map((r) => ({
        id: r.id,
        content: typeof r.content === 'string' ? r.content : JSON.stringify(r.content),
      }));
      if (rows.length < PAGE_ROWS) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** The ids among `ids` (of `read.type`) that meet every patient filter: for pages found by a search. */
  async meetFilters(read: TypeRead, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    if (read.filters.length === 0) return new Set(ids);
    const params: unknown[] = [read.type, ...ids];
    const where = read.filters.map((f) => this.filterSql(read, f, params)).join(' AND ');
    const rows = (await this.dataSource.query(
      `SELECT r.id AS id FROM ${FHIR_TABLES.resource} r WHERE r.resource_type = ? AND r.id IN (${ids.map(() => '?').join(',')}) AND ${where}`,
      params,
    )) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /** The stored JSON of one current resource, or null when absent or deleted. */
  async current(type: string, id: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT content FROM ${FHIR_TABLES.resource} WHERE resource_type = ? AND id = ? AND deleted = 0`,
      [type, id],
    )) as { content: string | object | null }[];
    const content = rows[0]?.content ?? null;
    return content === null || typeof content === 'string' ? content : JSON.stringify(content);
  }

  /** Resource types that have at least one current resource. */
  async typesPresent(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT resource_type AS type FROM ${FHIR_TABLES.resource} WHERE deleted = 0`,
    )) as { type: string }[];
    return rows.map((r) => r.type).sort();
  }

  private pageQuery(read: TypeRead, after: string): { sql: string; params: unknown[] } {
    const params: unknown[] = [read.type, after, read.until];
    const where = ['r.resource_type = ?', 'r.deleted = 0', 'r.id > ?', 'r.last_updated <= ?'];
    if (read.since) {
      where.push('r.last_updated > ?');
      params.push(read.since);
    }
    for (const f of read.filters) where.push(this.filterSql(read, f, params));
    return {
      sql: `SELECT r.id AS id, r.content AS content FROM ${FHIR_TABLES.resource} r WHERE ${where.join(' AND ')} ORDER BY r.id${limitSql(PAGE_ROWS)}`,
      params,
    };
  }

  /**
   * R4 compartmentdefinition-patient.html: a Patient is its own compartment's focus; another type is in a patient's
   * compartment when one of its compartment parameters references that Patient (the store's reference index).
   */
  private filterSql(read: TypeRead, filter: PatientFilter, params: unknown[]): string {
    const ids = filter.kind === 'patients' ? filter.ids : null;
    if (read.type === 'Patient') {
      if (!ids) return '1 = 1';
      params.push(...ids);
      return ids.length ? `r.id IN (${ids.map(() => '?').join(',')})` : '1 = 0';
    }
    if (read.compartmentParams.length === 0 || (ids && ids.length === 0)) return '1 = 0';
    params.push(...read.compartmentParams);
    let sql =
      `EXISTS (SELECT 1 FROM ${FHIR_TABLES.reference} x WHERE x.resource_type = r.resource_type AND x.resource_id = r.id` +
      ` AND x.param IN (${read.compartmentParams.map(() => '?').join(',')}) AND x.target_type = 'Patient'`;
    if (ids) {
      params.push(...ids);
      sql += ` AND x.target_id IN (${ids.map(() => '?').join(',')})`;
    }
    return sql + ')';
  }
}
