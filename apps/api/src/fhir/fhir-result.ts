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

/** `W/"3"` (R4 http.html#versioning: weak ETags carry the versionId). */
export function etag(versionId: number): string {
  return `W/"${versionId}"`;
}

/** HTTP-date of an instant, for Last-Modified (RFC 9110 §5.6.7). */
export function httpDate(instant: string): string {
  return new Date(instant).toUTCString();
}
