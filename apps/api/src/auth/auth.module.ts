import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ClientsModule } from '../clients/clients.module';
import { ClientAuthGuard } from './client-auth/client-auth.guard';
import { ClientBasicAuthStrategy, ClientPostAuthStrategy } from './client-auth/client-strategies';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { KeysModule } from './keys/keys.module';
import { TokenController } from './token.controller';
import { TokenEndpointService } from './token-endpoint.service';
import { AccessTokenService } from './tokens/access-token.service';
import { TokenVerifierService } from './tokens/token-verifier.service';

@Module({
  imports: [PassportModule, KeysModule, ClientsModule],
  controllers: [TokenController],
  providers: [
    ClientBasicAuthStrategy,
    ClientPostAuthStrategy,
    ClientAuthGuard,
    ClientCredentialsGrant,
    TokenEndpointService,
    AccessTokenService,
    TokenVerifierService,
  ],
  exports: [TokenVerifierService, AccessTokenService, KeysModule],
})
export class AuthModule {}
