import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersModule } from '../admin-users/admin-users.module';
import { ScopeCatalogEntity } from './scope-catalog.entity';
import { ScopesController } from './scopes.controller';
import { ScopesService } from './scopes.service';

/** The scope catalog (what discovery advertises and administrators describe), apart from the guards so the auth module can use it. */
@Module({
  imports: [TypeOrmModule.forFeature([ScopeCatalogEntity]), AdminUsersModule],
  controllers: [ScopesController],
  providers: [ScopesService],
  exports: [ScopesService],
})
export class ScopeCatalogModule {}
