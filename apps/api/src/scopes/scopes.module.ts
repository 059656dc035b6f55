import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { AuthModule } from '../auth/auth.module';
import { BearerTokenGuard } from './guards/bearer-token.guard';
import { FhirScopeGuard } from './guards/fhir-scope.guard';
import { ScopeCatalogEntity } from './scope-catalog.entity';
import { ScopesController } from './scopes.controller';
import { ScopesService } from './scopes.service';

/** The scope catalog, and the guards every FHIR route is declared with (see FhirInteraction). */
@Module({
  imports: [TypeOrmModule.forFeature([ScopeCatalogEntity]), AuthModule, AdminUsersModule],
  controllers: [ScopesController],
  providers: [ScopesService, BearerTokenGuard, FhirScopeGuard],
  exports: [ScopesService, BearerTokenGuard, FhirScopeGuard, AuthModule],
})
export class ScopesModule {}
