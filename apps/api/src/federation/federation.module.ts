import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { AuthorizeModule } from '../auth/authorize/authorize.module';
import { DevelopersModule } from '../developers/developers.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ExternalIdentityEntity } from './external-identity.entity';
import { FederationController } from './federation.controller';
import { FederationLoginEntity } from './federation-login.entity';
import { FederationService } from './federation.service';
import { IdentityProvidersModule } from './identity-providers.module';

/** This server as an OpenID Connect relying party: sign-in through external providers. */
@Module({
  imports: [
    TypeOrmModule.forFeature([FederationLoginEntity, ExternalIdentityEntity]),
    IdentityProvidersModule,
    AuthorizeModule,
    SessionsModule,
    UsersModule,
    DevelopersModule,
    AdminUsersModule,
  ],
  controllers: [FederationController],
  providers: [FederationService],
})
export class FederationModule {}
