import { Module } from '@nestjs/common';
import { KeysModule } from '../auth/keys/keys.module';
import { SessionService } from './session.service';

/** Signed-in sessions of administrators, developers and end users. */
@Module({
  imports: [KeysModule],
  providers: [SessionService],
  exports: [SessionService],
})
export class SessionsModule {}
