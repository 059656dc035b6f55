import { Inject, Injectable } from '@nestjs/common';
import { oauthEndpoints } from '../../auth/oauth-endpoints';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { fhirBaseUrl } from '../fhir.service';
import { SearchParameterRegistry } from '../search/search-parameter-registry';
import { buildCapabilityStatement } from './capability-statement';

/** The CapabilityStatement, generated once at start-up and served as the same JSON text afterwards. */
@Injectable()
export class CapabilityStatementService {
  private readonly json: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig, registry: SearchParameterRegistry) {
    this.json = JSON.stringify(
      buildCapabilityStatement({
        fhirBase: fhirBaseUrl(config.publicUrl),
        types: SERVED_RESOURCE_TYPES,
        registry,
        endpoints: oauthEndpoints(config.publicUrl),
        date: new Date().toISOString(),
      }),
    );
  }

  statement(): string {
    return this.json;
  }
}
