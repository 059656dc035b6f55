import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { ExternalIdentityEntity } from './external-identity.entity';
import { IdentityProviderEntity } from './identity-provider.entity';
import { IdentityProvidersController } from './identity-providers.controller';
import { IdentityProvidersService } from './identity-providers.service';

/** The provider registry (administered, bootstrapped from OIDC_PROVIDERS); used by the sign-in pages. */
@Module({
  imports: [TypeOrmModule.forFeature([IdentityProviderEntity, ExternalIdentityEntity]), AdminUsersModule],
  controllers: [IdentityProvidersController],
  providers: [IdentityProvidersService],
  exports: [IdentityProvidersService, TypeOrmModule],
})
export class IdentityProvidersModule {}
