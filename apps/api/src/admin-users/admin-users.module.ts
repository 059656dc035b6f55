import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminAuthController } from './admin-auth.controller';
import { AdminUserEntity } from './admin-user.entity';
import { AdminUsersService } from './admin-users.service';
import { AdminSessionGuard } from './guards/admin-session.guard';

@Module({
  imports: [TypeOrmModule.forFeature([AdminUserEntity]), SessionsModule],
  controllers: [AdminAuthController],
  providers: [AdminUsersService, AdminSessionGuard],
  exports: [AdminUsersService, AdminSessionGuard],
})
export class AdminUsersModule {}
