import { Inject, Injectable } from '@nestjs/common';
import { oauthEndpoints } from '../../auth/oauth-endpoints';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { fhirBaseUrl } from '../fhir-urls';
import { SearchParameterRegistry } from '../search/search-parameter-registry';
import { buildCapabilityStatement, CapabilityOperation, ReadOnlyType } from './capability-statement';

/** Types served read-only from other modules, registered at start-up (before the first request). */
export const READ_ONLY_TYPES = Symbol('READ_ONLY_TYPES');

/** The CapabilityStatement, generated once (on first request) and served as the same JSON text afterwards. */
@Injectable()
export class CapabilityStatementService {
  private json: string | null = null;
  private readonly operations: CapabilityOperation[] = [];
  private readonly date = new Date().toISOString();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SearchParameterRegistry,
    @Inject(READ_ONLY_TYPES) private readonly readOnly: ReadOnlyType[],
  ) {}

  /** Declares operations another module serves (at start-up, before the first request). */
  declareOperations(operations: readonly CapabilityOperation[]): void {
    this.operations.push(...operations);
    this.json = null;
  }

  statement(): string {
    this.json ??= JSON.stringify(
      buildCapabilityStatement({
        fhirBase: fhirBaseUrl(this.config.publicUrl),
        types: SERVED_RESOURCE_TYPES,
        registry: this.registry,
        endpoints: oauthEndpoints(this.config.publicUrl),
        date: this.date,
        readOnly: this.readOnly,
        operations: this.operations,
      }),
    );
    return this.json;
  }
}
