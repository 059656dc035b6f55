import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../auth/keys/keys.module';
import { AdminAuthController } from './admin-auth.controller';
import { AdminUserEntity } from './admin-user.entity';
import { AdminUsersService } from './admin-users.service';
import { AdminSessionGuard } from './guards/admin-session.guard';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUserEntity]), KeysModule],
  controllers: [AdminAuthController],
  providers: [AdminUsersService, AdminSessionGuard],
  exports: [AdminUsersService, AdminSessionGuard],
})
export class AdminUsersModule {}
