import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../auth/keys/keys.module';
import { IssuedTokenEntity } from '../auth/tokens/issued-token.entity';
import { SessionService } from './session.service';

/** Signed-in sessions of administrators, developers and end users. */
@Module({
  imports: [TypeOrmModule.forFeature([IssuedTokenEntity]), KeysModule],
  providers: [SessionService],
  exports: [SessionService],
})
export class SessionsModule {}
