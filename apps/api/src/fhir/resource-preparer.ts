import { Injectable } from '@nestjs/common';
import { jsonNestsDeeperThan } from '../common/http/json-depth';
import { fhirErrors } from './fhir-errors';
import type { FhirResource } from './fhir-resource-types';
import { IndexExtractor } from './search/index-extractor';
import type { PreparedVersion } from './store/resource-store';

/**
 * How deep a stored resource may nest: MariaDB's JSON column (JSON_VALID, its JSON_DEPTH_LIMIT of 32) refuses deeper
 * documents, and the same bound on every database keeps what one accepts storable on the other.
 */
export const MAX_STORED_DEPTH = 31;

/** Turns a resource a client sent into the stored form of a version: server-assigned id and meta, index rows. */
@Injectable()
export class ResourcePreparer {
  constructor(private readonly extractor: IndexExtractor) {}

  /** R4 resource.html#Meta: versionId and lastUpdated are the server's; the client's other meta is kept. */
  prepare(type: string, id: string, resource: FhirResource, versionId: number, lastUpdated: string): PreparedVersion {
    const { resourceType, id: _ignored, meta, ...rest } = resource;
    const stored: FhirResource = {
      resourceType,
      id,
      meta: { ...(meta ?? {}), versionId: String(versionId), lastUpdated },
      ...rest,
    };
    const content = JSON.stringify(stored);
    if (jsonNestsDeeperThan(content, MAX_STORED_DEPTH))
      throw fhirErrors.invalidResource(`The resource is nested deeper than ${MAX_STORED_DEPTH} levels`);
    return { content, rows: this.extractor.extract(type, stored) };
  }
}
