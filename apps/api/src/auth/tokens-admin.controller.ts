import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { LiveToken, Page, SigningKeyInfo } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { notFound } from '../common/errors/domain-error';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { ClientsService } from '../clients/clients.service';
import { KeysService } from './keys/keys.service';
import { TokenStoreService } from './tokens/token-store.service';
import { stageAudit } from '../common/http/audit-stage';

class LiveTokensQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;
}

/** Live tokens and signing keys, for administrators. */
@ApiTags('tokens')
@AdminOnly()
@Controller('api')
export class TokensAdminController {
  constructor(
    private readonly store: TokenStoreService,
    private readonly keys: KeysService,
    private readonly clients: ClientsService,
  ) {}

  @ApiOperation({ summary: 'Live (unexpired, unrevoked) access tokens, newest first' })
  @Get('tokens')
  async list(@Query() query: LiveTokensQueryDto): Promise<Page<LiveToken>> {
    const items = await this.store.listLive(query.client_id);
    return { items, total: items.length };
  }

  @ApiOperation({ summary: 'Revoke one token; every instance refuses it within 2 seconds' })
  @AuditAction('token.revoke')
  @Delete('tokens/:jti')
  @HttpCode(204)
  async revoke(@Param('jti') jti: string, @Req() request: FastifyRequest): Promise<void> {
    const revoked = await this.store.revoke(jti);
    if (!revoked) throw notFound('token_not_found', `No token ${jti}`);
    stageAudit(request, { client_id: revoked.clientId });
  }

  @ApiOperation({ summary: 'Revoke every live token of a client' })
  @AuditAction('token.revoke_client')
  @Delete('clients/:clientId/tokens')
  @HttpCode(200)
  async revokeClient(
    @Param('clientId') clientId: string,
    @Req() request: FastifyRequest,
  ): Promise<{ revoked: number }> {
    await this.clients.get(clientId);
    stageAudit(request, { client_id: clientId });
    return { revoked: await this.store.revokeClient(clientId) };
  }

  @ApiOperation({ summary: 'Signing keys: the active one and retired ones still in the JWKS' })
  @Get('keys')
  async listKeys(): Promise<SigningKeyInfo[]> {
    return (await this.keys.list()).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      status: k.status,
      created_at: k.createdAt.toISOString(),
      retired_at: k.retiredAt?.toISOString() ?? null,
      remove_after: k.removeAfter?.toISOString() ?? null,
      signs: this.keys.uses(k.kid),
    }));
  }

  @ApiOperation({
    summary: 'Rotate the signing key: new tokens carry the new kid; tokens signed before stay valid until they expire',
  })
  @AuditAction('key.rotate')
  @Post('keys/rotate')
  @HttpCode(200)
  async rotate(): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate() };
  }
}
