import { Injectable } from '@nestjs/common';
import type { FhirResource } from './fhir-resource-types';
import { IndexExtractor } from './search/index-extractor';
import type { PreparedVersion } from './store/resource-store';

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
    return { content: JSON.stringify(stored), rows: this.extractor.extract(type, stored) };
  }
}
