import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HttpErrorFilter } from './common/filters/http-error.filter';
import { RouteDeclarationGuard } from './common/guards/route-declaration.guard';
import { MetricsModule } from './metrics/metrics.module';
import { HealthModule } from './health/health.module';
import { AdminUsersModule } from './admin-users/admin-users.module';
import { ClientsModule } from './clients/clients.module';
import { AuthModule } from './auth/auth.module';
import { ScopesModule } from './scopes/scopes.module';
import { AuditModule } from './audit/audit.module';
import { FhirModule } from './fhir/fhir.module';
import { BulkModule } from './bulk/bulk.module';
import { DemoModule } from './demo/demo.module';
import { RegistrationModule } from './registration/registration.module';
import { DevelopersModule } from './developers/developers.module';
import { UsersModule } from './users/users.module';
import { AuthorizeModule } from './auth/authorize/authorize.module';
import { UserAdminModule } from './users/user-admin.module';
import { FederationModule } from './federation/federation.module';
import { SignInFailuresModule } from './common/security/sign-in-failures.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        MetricsModule,
        HealthModule,
        AdminUsersModule,
        ClientsModule,
        AuthModule,
        ScopesModule,
        AuditModule,
        FhirModule,
        BulkModule,
        DemoModule,
        RegistrationModule,
        DevelopersModule,
        UsersModule,
        AuthorizeModule,
        UserAdminModule,
        FederationModule,
        SignInFailuresModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: RouteDeclarationGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
