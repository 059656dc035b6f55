import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ScopesModule } from '../scopes/scopes.module';
import { CapabilityStatementController } from './capability/capability-statement.controller';
import { CapabilityStatementService } from './capability/capability-statement.service';
import { FhirDemoSeeder } from './fhir-demo.seeder';
import { SERVED_RESOURCE_TYPES } from './fhir-resource-types';
import { FhirController } from './fhir.controller';
import { fhirBaseUrl, FhirService } from './fhir.service';
import { IndexExtractor } from './search/index-extractor';
import { PatientCompartment } from './search/patient-compartment';
import { SearchParameterRegistry } from './search/search-parameter-registry';
import { DateIndexEntity } from './store/date-index.entity';
import { FhirResourceHistoryEntity } from './store/fhir-resource-history.entity';
import { FhirResourceEntity } from './store/fhir-resource.entity';
import { MysqlResourceStore } from './store/mysql-resource-store';
import { ReferenceIndexEntity } from './store/reference-index.entity';
import { ResourceStore } from './store/resource-store';
import { SqliteResourceStore } from './store/sqlite-resource-store';
import { StringIndexEntity } from './store/string-index.entity';
import { TokenIndexEntity } from './store/token-index.entity';

export const FHIR_ENTITIES = [
  FhirResourceEntity,
  FhirResourceHistoryEntity,
  TokenIndexEntity,
  StringIndexEntity,
  DateIndexEntity,
  ReferenceIndexEntity,
];

/** The store for the engine the root DataSource talks to. */
function createResourceStore(dataSource: DataSource): ResourceStore {
  const type = dataSource.options.type;
  if (type === 'better-sqlite3') return new SqliteResourceStore(dataSource);
  if (type === 'mysql' || type === 'mariadb') return new MysqlResourceStore(dataSource);
  throw new Error(`The FHIR store does not support the ${type} driver`);
}

/** The FHIR R4 REST API: generic resource store, search indexes built from the R4 SearchParameters, CapabilityStatement. */
@Module({
  imports: [TypeOrmModule.forFeature(FHIR_ENTITIES), ScopesModule],
  controllers: [CapabilityStatementController, FhirController],
  providers: [
    { provide: SearchParameterRegistry, useFactory: () => new SearchParameterRegistry(SERVED_RESOURCE_TYPES) },
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
    FhirService,
    CapabilityStatementService,
    FhirDemoSeeder,
  ],
  exports: [FhirDemoSeeder],
})
export class FhirModule {}
