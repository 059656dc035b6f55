import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClientsService } from '../clients/clients.service';
import { AuthFailureDelay } from './rate-limit/auth-failure-delay';
import { AuthRateLimitGuard } from './rate-limit/auth-rate-limit.guard';
import { rateLimitOptions } from './rate-limit/rate-limit.options';
import { RateLimitSyncModule } from './rate-limit/rate-limit-sync.module';
import { SharedRateCounts } from './rate-limit/shared-rate-counts.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientAssertionService } from './client-auth/client-assertion.service';
import { ClientJwksService } from './client-auth/client-jwks.service';
import { UsedAssertionEntity } from './client-auth/used-assertion.entity';
import { AuthorizationCodeEntity } from './authorize/authorization-code.entity';
import { AuthorizationGrantEntity } from './authorize/authorization-grant.entity';
import { AuthorizationCodesService } from './authorize/authorization-codes.service';
import { ClientsModule } from '../clients/clients.module';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { TokensAdminController } from './tokens-admin.controller';
import { ScopeCatalogModule } from '../scopes/scope-catalog.module';
import { DiscoveryController } from './discovery.controller';
import { IntrospectionController } from './introspection.controller';
import { RevocationController } from './revocation.controller';
import { TokenIntrospectionService } from './tokens/token-introspection.service';
import { ClientAuthGuard } from './client-auth/client-auth.guard';
import {
  ClientAssertionAuthStrategy,
  ClientBasicAuthStrategy,
  ClientPostAuthStrategy,
} from './client-auth/client-strategies';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { KeysModule } from './keys/keys.module';
import { TokenController } from './token.controller';
import { TokenEndpointService } from './token-endpoint.service';
import { AccessTokenService } from './tokens/access-token.service';
import { TokenVerifierService } from './tokens/token-verifier.service';
import { UsersModule } from '../users/users.module';
import { EndUserEntity } from '../users/end-user.entity';
import { RefreshTokenEntity } from './tokens/refresh-token.entity';
import { RefreshTokensService } from './tokens/refresh-tokens.service';
import { IdTokenService } from './tokens/id-token.service';
import { AuthorizationGrantsService } from './grants/authorization-grants.service';
import { PersonTokensService } from './grants/person-tokens.service';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { UserinfoController } from './userinfo.controller';
import { UserinfoService } from './userinfo.service';
import { GrantsAdminController } from './grants-admin.controller';
import { AuthHousekeepingService } from './housekeeping/auth-housekeeping.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([UsedAssertionEntity, AuthorizationCodeEntity, AuthorizationGrantEntity]),
    TypeOrmModule.forFeature([RefreshTokenEntity, EndUserEntity]),
    UsersModule,
    ThrottlerModule.forRootAsync({
      imports: [ClientsModule, RateLimitSyncModule],
      inject: [APP_CONFIG, ClientsService, SharedRateCounts],
      useFactory: (config: AppConfig, clients: ClientsService, shared: SharedRateCounts) =>
        rateLimitOptions(config, clients, shared),
    }),
    PassportModule,
    KeysModule,
    ClientsModule,
    ScopeCatalogModule,
    AdminUsersModule,
  ],
  controllers: [
    TokenController,
    RevocationController,
    IntrospectionController,
    DiscoveryController,
    TokensAdminController,
    UserinfoController,
    GrantsAdminController,
  ],
  providers: [
    ClientBasicAuthStrategy,
    ClientPostAuthStrategy,
    ClientAssertionAuthStrategy,
    ClientAssertionService,
    ClientJwksService,
    ClientAuthGuard,
    AuthRateLimitGuard,
    AuthFailureDelay,
    ClientCredentialsGrant,
    TokenEndpointService,
    AccessTokenService,
    TokenVerifierService,
    TokenIntrospectionService,
    AuthorizationCodesService,
    RefreshTokensService,
    IdTokenService,
    AuthorizationGrantsService,
    PersonTokensService,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    UserinfoService,
    AuthHousekeepingService,
  ],
  exports: [
    TokenVerifierService,
    AccessTokenService,
    KeysModule,
    AuthRateLimitGuard,
    ThrottlerModule,
    AuthorizationGrantsService,
    AuthorizationCodesService,
  ],
})
export class AuthModule {}
