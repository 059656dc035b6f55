import { Module } from '@nestjs/common';
import { CapabilityStatementService } from '../fhir/capability/capability-statement.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { AuditModule } from '../audit/audit.module';
import { FhirModule } from '../fhir/fhir.module';
import { ScopesModule } from '../scopes/scopes.module';
import { BulkExportAdminController } from './bulk-export-admin.controller';
import { BulkExportAudit } from './bulk-export-audit';
import { BulkExportJobEntity } from './bulk-export-job.entity';
import { BulkExportRunner } from './bulk-export-runner';
import { BulkExportController } from './bulk-export.controller';
import { BulkExportService } from './bulk-export.service';
import { BulkExporter } from './bulk-exporter';

const BULK_DATA = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition';

/**
 * FHIR Bulk Data export (Bulk Data Access IG 2.0) for backend services: `$export` at system, Patient and Group level,
 * durable jobs run in the background, NDJSON files served to the client that asked.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BulkExportJobEntity]), FhirModule, ScopesModule, AuditModule, AdminUsersModule],
  controllers: [BulkExportController, BulkExportAdminController],
  providers: [BulkExporter, BulkExportRunner, BulkExportService, BulkExportAudit],
})
export class BulkModule {
  // Bulk Data IG 2.0 §CapabilityStatement: the export operations, by their OperationDefinition canonical URLs.
  constructor(capability: CapabilityStatementService) {
    capability.declareOperations([
      { name: 'export', definition: `${BULK_DATA}/export` },
      { name: 'export', definition: `${BULK_DATA}/patient-export`, type: 'Patient' },
      { name: 'export', definition: `${BULK_DATA}/group-export`, type: 'Group' },
    ]);
  }
}
