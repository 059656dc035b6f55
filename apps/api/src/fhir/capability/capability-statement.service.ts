import { Inject, Injectable } from '@nestjs/common';
import { oauthEndpoints } from '../../auth/oauth-endpoints';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { fhirBaseUrl } from '../fhir-urls';
import { SearchParameterRegistry } from '../search/search-parameter-registry';
import { buildCapabilityStatement, ReadOnlyType } from './capability-statement';

/** Types served read-only from other modules, registered at start-up (before the first request). */
export const READ_ONLY_TYPES = Symbol('READ_ONLY_TYPES');

/** The CapabilityStatement, generated once at start-up and served as the same JSON text afterwards. */
@Injectable()
export class CapabilityStatementService {
  private readonly json: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    registry: SearchParameterRegistry,
    @Inject(READ_ONLY_TYPES) readOnly: ReadOnlyType[],
  ) {
    this.json = JSON.stringify(
      buildCapabilityStatement({
        fhirBase: fhirBaseUrl(config.publicUrl),
        types: SERVED_RESOURCE_TYPES,
        registry,
        endpoints: oauthEndpoints(config.publicUrl),
        date: new Date().toISOString(),
        readOnly,
      }),
    );
  }

  statement(): string {
    return this.json;
  }
}
