import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BearerTokenGuard } from './guards/bearer-token.guard';
import { FhirScopeGuard } from './guards/fhir-scope.guard';
import { ScopeCatalogModule } from './scope-catalog.module';

/** The guards every FHIR route is declared with (see FhirInteraction), and the scope catalog. */
@Module({
  imports: [AuthModule, ScopeCatalogModule],
  providers: [BearerTokenGuard, FhirScopeGuard],
  exports: [BearerTokenGuard, FhirScopeGuard, AuthModule, ScopeCatalogModule],
})
export class ScopesModule {}
