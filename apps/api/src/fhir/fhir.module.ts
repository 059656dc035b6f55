import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditModule } from '../audit/audit.module';
import { ScopesModule } from '../scopes/scopes.module';
import { FhirAccessPolicy } from './access/fhir-access-policy';
import { AuditEventController } from './audit-event/audit-event.controller';
import { auditEventCapability, FhirAuditEventService } from './audit-event/fhir-audit-event.service';
import { FhirBundleService } from './bundle/fhir-bundle.service';
import { CapabilityStatementController } from './capability/capability-statement.controller';
import { CapabilityStatementService, READ_ONLY_TYPES } from './capability/capability-statement.service';
import { FhirDemoSeeder } from './fhir-demo.seeder';
import { FhirHistoryService } from './fhir-history.service';
import { SERVED_RESOURCE_TYPES } from './fhir-resource-types';
import { FhirSearchService } from './fhir-search.service';
import { FhirSystemController } from './fhir-system.controller';
import { fhirBaseUrl } from './fhir-urls';
import { FhirController } from './fhir.controller';
import { FhirService } from './fhir.service';
import { ResourcePreparer } from './resource-preparer';
import { IndexExtractor } from './search/index-extractor';
import { PatientCompartment } from './search/patient-compartment';
import { SearchParameterRegistry } from './search/search-parameter-registry';
import { DateIndexEntity } from './store/date-index.entity';
import { FhirResourceHistoryEntity } from './store/fhir-resource-history.entity';
import { FhirResourceEntity } from './store/fhir-resource.entity';
import { MysqlResourceStore } from './store/mysql-resource-store';
import { QuantityIndexEntity } from './store/quantity-index.entity';
import { ReferenceIndexEntity } from './store/reference-index.entity';
import { ResourceStore } from './store/resource-store';
import { SqliteResourceStore } from './store/sqlite-resource-store';
import { StringIndexEntity } from './store/string-index.entity';
import { TokenIndexEntity } from './store/token-index.entity';
import { UriIndexEntity } from './store/uri-index.entity';
import { warmUpValidation } from './validation';
import { ValidationPool } from './validation/validation-pool';

export const FHIR_ENTITIES = [
  FhirResourceEntity,
  FhirResourceHistoryEntity,
  TokenIndexEntity,
  StringIndexEntity,
  DateIndexEntity,
  ReferenceIndexEntity,
  QuantityIndexEntity,
  UriIndexEntity,
];

/** The store for the engine the root DataSource talks to. */
function createResourceStore(dataSource: DataSource): ResourceStore {
  const type = dataSource.options.type;
  if (type === 'better-sqlite3') return new SqliteResourceStore(dataSource);
  if (type === 'mysql' || type === 'mariadb') return new MysqlResourceStore(dataSource);
  throw new Error(`The FHIR store does not support the ${type} driver`);
}

/**
 * The FHIR R4 REST API: every R4 resource type in a generic versioned store, search indexes built from the R4
 * SearchParameters, batch and transaction Bundles, history, the CapabilityStatement, and the audit trail as read-only
 * AuditEvents.
 */
@Module({
  imports: [TypeOrmModule.forFeature(FHIR_ENTITIES), ScopesModule, AuditModule],
  controllers: [CapabilityStatementController, FhirSystemController, AuditEventController, FhirController],
  providers: [
    { provide: SearchParameterRegistry, useFactory: () => SearchParameterRegistry.r4() },
    {
      provide: IndexExtractor,
      useFactory: (registry: SearchParameterRegistry, config: AppConfig) =>
        new IndexExtractor(registry, fhirBaseUrl(config.publicUrl)),
      inject: [SearchParameterRegistry, APP_CONFIG],
    },
    {
      provide: PatientCompartment,
      useFactory: (registry: SearchParameterRegistry) => new PatientCompartment(registry, SERVED_RESOURCE_TYPES),
      inject: [SearchParameterRegistry],
    },
    {
      provide: ResourceStore,
      useFactory: (dataSource: DataSource) => createResourceStore(dataSource),
      inject: [DataSource],
    },
    { provide: READ_ONLY_TYPES, useFactory: () => [auditEventCapability()] },
    FhirAccessPolicy,
    ResourcePreparer,
    ValidationPool,
    FhirService,
    FhirSearchService,
    FhirHistoryService,
    FhirBundleService,
    FhirAuditEventService,
    CapabilityStatementService,
    FhirDemoSeeder,
  ],
  exports: [FhirDemoSeeder, FhirService, FhirSearchService, PatientCompartment, CapabilityStatementService],
})
export class FhirModule implements OnModuleInit {
  /** The R4 StructureDefinitions load at start-up, not on the first write (about half a second). */
  onModuleInit(): void {
    warmUpValidation();
  }
}
