import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExternalIdentityEntity } from '../federation/external-identity.entity';
import { IdentityProviderEntity } from '../federation/identity-provider.entity';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { FhirModule } from '../fhir/fhir.module';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';
import { UserAdminService } from './user-admin.service';
import { UsersController } from './users.controller';
import { UsersModule } from './users.module';

/**
 * The management side of end users (`/api/users`, `/api/directory`): apart from UsersModule because it reads the FHIR
 * store, and the authorization server (which FhirModule depends on) needs UsersModule without FHIR.
 */
@Module({
  imports: [
    UsersModule,
    AdminUsersModule,
    FhirModule,
    TypeOrmModule.forFeature([ExternalIdentityEntity, IdentityProviderEntity]),
  ],
  controllers: [UsersController, DirectoryController],
  providers: [UserAdminService, DirectoryService],
  exports: [DirectoryService],
})
export class UserAdminModule {}
