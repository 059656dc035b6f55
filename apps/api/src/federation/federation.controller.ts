import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeveloperSession, LoginResponse } from '@ccri/contracts';
import { Public } from '../common/decorators/public.decorator';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { DomainError } from '../common/errors/domain-error';
import { errorPage } from '../auth/authorize/authorize-pages';
import { PAGE_HEADERS } from '../auth/authorize/html-page';
import { CSRF_COOKIE, parseCookies } from '../auth/authorize/interaction.service';
import { DevelopersService } from '../developers/developers.service';
import { AdminUsersService } from '../admin-users/admin-users.service';
import { FederatedSessionDto } from './dto/federated-session.dto';
import { type FederationAudit, type FederationResult, FederationService } from './federation.service';
import { openAudit, stageAudit } from '../common/http/audit-stage';

/** Federated sign-in through an external OpenID provider (DESIGN.md `/auth/federation/{provider}/…`). */
@ApiTags('federation')
@Controller()
export class FederationController {
  constructor(
    private readonly federation: FederationService,
    private readonly developers: DevelopersService,
    private readonly admins: AdminUsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @ApiExcludeEndpoint()
  @Public()
  @Get('auth/federation/:provider/start')
  async start(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const cookies = parseCookies(request.headers.cookie);
    const query = (request.query ?? {}) as Record<string, unknown>;
    return send(reply, await this.federation.start(provider, query, cookies[CSRF_COOKIE], auditInto(request)));
  }

  @ApiExcludeEndpoint()
  @Public()
  @Get('auth/federation/:provider/callback')
  async callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const cookies = parseCookies(request.headers.cookie);
    // The URL the provider redirected to, as registered with it (PUBLIC_URL, not the Host header).
    const current = new URL(request.url, `${this.config.publicUrl}/`);
    const result = await this.federation.callback(
      provider,
      new URL(`${this.config.publicUrl}${current.pathname}${current.search}`),
      { bind: cookies.ccri_federation, csrf: cookies[CSRF_COOKIE] },
      auditInto(request),
    );
    return send(reply, result);
  }

  @ApiOperation({ summary: 'Exchange the one-time code of a federated sign-in for a developer-portal session' })
  @Public()
  @AuditAction('portal.login.federated')
  @Post('api/portal/federated-session')
  @HttpCode(200)
  async portalSession(@Body() body: FederatedSessionDto): Promise<DeveloperSession> {
    const id = await this.federation.redeemHandoff('developer', body.code);
    const session = id && (await this.developers.federatedSession(id));
    if (!session) throw handoffRefused();
    return session;
  }

  @ApiOperation({ summary: 'Exchange the one-time code of a federated sign-in for an administrator session' })
  @Public()
  @AuditAction('admin.login.federated')
  @Post('api/auth/federated-session')
  @HttpCode(200)
  async adminSession(
    @Body() body: FederatedSessionDto,
    @Req() request: FastifyRequest,
  ): Promise<LoginResponse & { username: string }> {
    const username = await this.federation.redeemHandoff('admin', body.code);
    const session = username && (await this.admins.federatedSession(username));
    if (!session) throw handoffRefused();
    stageAudit(request, { actor: username });
    // The dashboard shows whom it is signed in as; with a password it knew, here only the server does.
    return { ...session, username };
  }
}

function handoffRefused(): DomainError {
  return new DomainError(401, 'invalid_code', 'The sign-in code is unknown, used or expired; sign in again', {
    auditReason: 'federation_code_invalid',
  });
}

function send(reply: FastifyReply, result: FederationResult): FastifyReply {
  if (result.cookies?.length) reply.header('set-cookie', result.cookies);
  if (result.kind === 'redirect') {
    return reply
      .code(302)
      .header('location', result.location)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send();
  }
  return reply.code(result.status).headers(PAGE_HEADERS).send(errorPage(result.title, result.message));
}

/** Each federated step is one audit record (category `token`), with the provider as the resource. */
function auditInto(request: FastifyRequest): (a: FederationAudit) => void {
  return (a) => {
    openAudit(request, {
      category: 'token',
      action: a.action,
      outcome: a.outcome,
      actor: a.actor ?? null,
      client_id: a.client_id ?? null,
      reason: a.reason ?? null,
      resource_type: 'identity_provider',
      resource_id: a.provider,
    });
  };
}
