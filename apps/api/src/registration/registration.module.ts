import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { AuthModule } from '../auth/auth.module';
import { ClientsModule } from '../clients/clients.module';
import { ScopeCatalogModule } from '../scopes/scope-catalog.module';
import { RegistrationAccessGuard } from './guards/registration-access.guard';
import { RegistrationRateLimitGuard } from './guards/registration-rate-limit.guard';
import { InitialAccessTokenEntity } from './initial-access-token.entity';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { RegistrationSettingsController } from './registration-settings.controller';
import { RegistrationSettingsEntity } from './registration-settings.entity';
import { RegistrationSettingsService } from './registration-settings.service';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/** RFC 7591 / RFC 7592 dynamic registration at /auth/register, and its policy at /api/settings/registration. */
@Module({
  imports: [
    TypeOrmModule.forFeature([RegistrationSettingsEntity, InitialAccessTokenEntity]),
    ClientsModule,
    ScopeCatalogModule,
    AdminUsersModule,
    AuthModule,
  ],
  controllers: [RegistrationController, RegistrationSettingsController],
  providers: [
    RegistrationService,
    RegistrationSettingsService,
    InitialAccessTokensService,
    RegistrationAccessGuard,
    RegistrationRateLimitGuard,
  ],
  exports: [RegistrationSettingsService],
})
export class RegistrationModule {}
