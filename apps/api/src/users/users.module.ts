import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { EndUserEntity } from './end-user.entity';
import { UsersService } from './users.service';

/** End users: patients and practitioners who sign in to SMART apps. */
@Module({
  imports: [TypeOrmModule.forFeature([EndUserEntity]), SessionsModule],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
