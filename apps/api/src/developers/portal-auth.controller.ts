import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { DeveloperAccount, DeveloperSession } from '@ccri/contracts';
import { Public } from '../common/decorators/public.decorator';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { CurrentDeveloper } from './decorators/current-developer.decorator';
import { DeveloperOnly } from './decorators/developer-only.decorator';
import { auditActor, type DeveloperPrincipal } from './developer-principal';
import { DevelopersService, normaliseEmail } from './developers.service';
import { DeveloperLoginDto, DeveloperSignupDto } from './dto/developer-auth.dto';
import { stageAudit } from '../common/http/audit-stage';

/** Developer-portal accounts: integrators sign up and in here, apart from administrators. */
@ApiTags('developer portal')
@Controller('api/portal')
export class PortalAuthController {
  constructor(private readonly developers: DevelopersService) {}

  @ApiOperation({ summary: 'Create a developer-portal account; the answer is a signed-in session' })
  @Public()
  @AuditAction('portal.signup')
  @Post('signup')
  signup(@Body() body: DeveloperSignupDto, @Req() request: FastifyRequest): Promise<DeveloperSession> {
    stageAudit(request, { actor: auditActor(normaliseEmail(body.email)) });
    return this.developers.signup(body, request.ip);
  }

  @ApiOperation({
    summary: 'Sign in to the developer portal; send the token as Authorization: Bearer on /api/portal/*',
  })
  @Public()
  @AuditAction('portal.login')
  @Post('login')
  @HttpCode(200)
  login(@Body() body: DeveloperLoginDto, @Req() request: FastifyRequest): Promise<DeveloperSession> {
    stageAudit(request, { actor: auditActor(normaliseEmail(body.email)) });
    return this.developers.login(body.email, body.password, request.ip);
  }

  @ApiOperation({ summary: 'End this portal session (its token is revoked)' })
  @DeveloperOnly()
  @AuditAction('portal.logout')
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentDeveloper() developer: DeveloperPrincipal): Promise<void> {
    return this.developers.logout(developer);
  }

  @ApiOperation({ summary: 'The signed-in developer account' })
  @DeveloperOnly()
  @Get('me')
  me(@CurrentDeveloper() developer: DeveloperPrincipal): Promise<DeveloperAccount> {
    return this.developers.account(developer);
  }
}
