/** Table names of the FHIR store, shared by the entities (schema) and the hand-written SQL (store and search). */
export const FHIR_TABLES = {
  resource: 'fhir_resources',
  history: 'fhir_resource_history',
  token: 'fhir_token_index',
  string: 'fhir_string_index',
  date: 'fhir_date_index',
  reference: 'fhir_reference_index',
  quantity: 'fhir_quantity_index',
  uri: 'fhir_uri_index',
} as const;

/** The resource table's (resource_type, deleted, last_updated, id) index: search pages walk it in order. */
export const PAGE_INDEX = 'idx_fhir_resources_page';

/**
 * Resource JSON is stored in a `json` column: the one type both drivers accept that is large on MySQL/MariaDB
 * (MariaDB: LONGTEXT with a json_valid check; MySQL 8: native JSON). `text` would cap resources at 64 KiB on MySQL and
 * `longtext` is refused by the SQLite driver. The store writes the serialised string itself and reads it back raw.
 */
export const CONTENT_COLUMN_TYPE = 'json' as const;

/** Width of resource type and id columns: FHIR ids are at most 64 characters (R4 datatypes.html#id). */
export const ID_LENGTH = 64;

/** Width of indexed values: the widest that keeps the composite indexes under InnoDB's 3072-byte key limit in utf8mb4. */
export const VALUE_LENGTH = 255;

/** ISO 8601 instants with milliseconds, `YYYY-MM-DDThh:mm:ss.sssZ`. */
export const INSTANT_LENGTH = 24;
