import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClusterLockEntity } from './cluster-lock.entity';
import { ClusterLockService } from './cluster-lock.service';

/** Coordination between API instances that share one database. */
@Module({
  imports: [TypeOrmModule.forFeature([ClusterLockEntity])],
  providers: [ClusterLockService],
  exports: [ClusterLockService],
})
export class ClusterModule {}
