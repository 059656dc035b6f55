import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { RegistrationModule } from '../registration/registration.module';
import { ScopeCatalogModule } from '../scopes/scope-catalog.module';
import { SessionsModule } from '../sessions/sessions.module';
import { DeveloperAccountEntity } from './developer-account.entity';
import { DevelopersService } from './developers.service';
import { DeveloperSessionGuard } from './guards/developer-session.guard';
import { PortalAuthController } from './portal-auth.controller';
import { PortalClientsController } from './portal-clients.controller';
import { PortalClientsService } from './portal-clients.service';

/** The developer portal: integrators' accounts and their self-registered clients (`/api/portal`). */
@Module({
  imports: [
    TypeOrmModule.forFeature([DeveloperAccountEntity]),
    SessionsModule,
    ClientsModule,
    ScopeCatalogModule,
    RegistrationModule,
  ],
  controllers: [PortalAuthController, PortalClientsController],
  providers: [DevelopersService, PortalClientsService, DeveloperSessionGuard],
  exports: [DevelopersService],
})
export class DevelopersModule {}
