import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BearerTokenGuard } from '../auth/guards/bearer-token.guard';
import { FhirScopeGuard } from './guards/fhir-scope.guard';
import { ScopeCatalogModule } from './scope-catalog.module';
import { ScopeCheck } from './scope-check';

/** The guards every FHIR route is declared with (see FhirInteraction), the scope check they share with the FHIR services, and the scope catalog. */
@Module({
  imports: [AuthModule, ScopeCatalogModule],
  providers: [BearerTokenGuard, FhirScopeGuard, ScopeCheck],
  exports: [BearerTokenGuard, FhirScopeGuard, ScopeCheck, AuthModule, ScopeCatalogModule],
})
export class ScopesModule {}
