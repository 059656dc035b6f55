import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { LoginResponse } from '@ccri/contracts';
import { Public } from '../common/decorators/public.decorator';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminUsersService } from './admin-users.service';
import { AdminOnly } from './decorators/admin-only.decorator';
import { CurrentAdmin } from './decorators/admin-action.decorator';
import type { AdminPrincipal } from '../common/http/request-context';
import { LoginDto } from './dto/login.dto';
import { stageAudit } from '../common/http/audit-stage';

@ApiTags('admin')
@Controller('api/auth')
export class AdminAuthController {
  constructor(private readonly admins: AdminUsersService) {}

  @ApiOperation({ summary: 'Sign in as an administrator; send the token as Authorization: Bearer on /api/*' })
  @Public()
  @AuditAction('admin.login')
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<LoginResponse> {
    stageAudit(request, { actor: body.username });
    return this.admins.login(body.username, body.password);
  }

  @ApiOperation({ summary: 'End this session (its token is revoked)' })
  @AdminOnly()
  @AuditAction('admin.logout')
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentAdmin() admin: AdminPrincipal & { jti: string }): Promise<void> {
    await this.admins.logout(admin);
  }
}
