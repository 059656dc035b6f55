import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../../admin-users/admin-users.module';
import { ClientsModule } from '../../clients/clients.module';
import { ScopeCatalogModule } from '../../scopes/scope-catalog.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { UsersModule } from '../../users/users.module';
import { AuthModule } from '../auth.module';
import { IdentityProvidersModule } from '../../federation/identity-providers.module';
import { KeysModule } from '../keys/keys.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { AuthorizationGrantEntity } from './authorization-grant.entity';
import { AuthorizeController } from './authorize.controller';
import { AuthorizeService } from './authorize.service';
import { InteractionService } from './interaction.service';
import { LaunchContextEntity } from './launch-context.entity';
import { LaunchesController } from './launches.controller';
import { LaunchesService } from './launches.service';
import { UserAdminModule } from '../../users/user-admin.module';

/** SMART App Launch's front channel: the authorization endpoint, its pages, and EHR launches. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationCodeEntity, AuthorizationGrantEntity, LaunchContextEntity]),
    KeysModule,
    SessionsModule,
    UsersModule,
    ClientsModule,
    ScopeCatalogModule,
    AdminUsersModule,
    AuthModule,
    IdentityProvidersModule,
    UserAdminModule,
  ],
  controllers: [AuthorizeController, LaunchesController, AccountController],
  providers: [AuthorizeService, InteractionService, LaunchesService, AccountService],
  exports: [InteractionService],
})
export class AuthorizeModule {}
