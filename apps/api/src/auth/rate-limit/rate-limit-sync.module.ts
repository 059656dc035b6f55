import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitCounterEntity } from './rate-limit-counter.entity';
import { SharedRateCounts } from './shared-rate-counts.service';

/** Rate-limit counts shared by the instances on one database (the ThrottlerModule's storage reads them). */
@Module({
  imports: [TypeOrmModule.forFeature([RateLimitCounterEntity])],
  providers: [SharedRateCounts],
  exports: [SharedRateCounts],
})
export class RateLimitSyncModule {}
