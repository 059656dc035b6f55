import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClusterModule } from '../../cluster/cluster.module';
import { IssuedTokenEntity } from '../tokens/issued-token.entity';
import { TokenStoreService } from '../tokens/token-store.service';
import { SigningKeyEntity } from './signing-key.entity';
import { KeysService } from './keys.service';

/**
 * Signing keys and the issued-token record: the part of the authorization server that administrator sessions
 * also build on, kept apart from AuthModule so that module can depend on clients without a cycle.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity, IssuedTokenEntity]), ClusterModule],
  providers: [KeysService, TokenStoreService],
  exports: [KeysService, TokenStoreService],
})
export class KeysModule {}
