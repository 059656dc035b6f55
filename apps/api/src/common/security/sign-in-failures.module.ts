import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SignInFailureEntity } from './sign-in-failure.entity';
import { SignInFailuresStore } from './sign-in-failures.store';

/** The shared sign-in failure counts, for every service that throttles sign-in (AttemptCounter). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SignInFailureEntity])],
  providers: [SignInFailuresStore],
  exports: [SignInFailuresStore],
})
export class SignInFailuresModule {}
