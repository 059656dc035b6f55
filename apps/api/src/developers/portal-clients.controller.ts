import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Client, CreatedClient, Page, PortalRegistrationInfo, RotatedSecret } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { CurrentDeveloper } from './decorators/current-developer.decorator';
import { DeveloperOnly } from './decorators/developer-only.decorator';
import type { DeveloperPrincipal } from './developer-principal';
import { PortalClientDto, PortalClientsQueryDto } from './dto/portal-client.dto';
import { PortalClientsService } from './portal-clients.service';
import { stageAudit } from '../common/http/audit-stage';

/** "+ New Client": an integrator's self-registered clients, and only theirs. */
@ApiTags('developer portal')
@DeveloperOnly()
@Controller('api/portal')
export class PortalClientsController {
  constructor(private readonly portal: PortalClientsService) {}

  @ApiOperation({ summary: 'The registration policy and the scopes offered for self-service registration' })
  @Get('registration')
  registration(): Promise<PortalRegistrationInfo> {
    return this.portal.registrationInfo();
  }

  @ApiOperation({ summary: "The signed-in developer's clients" })
  @Get('clients')
  list(
    @CurrentDeveloper() developer: DeveloperPrincipal,
    @Query() query: PortalClientsQueryDto,
  ): Promise<Page<Client>> {
    return this.portal.list(developer.id, query);
  }

  @ApiOperation({
    summary: 'Register a client with self-service scopes; the answer holds its secret, shown only this once',
  })
  @AuditAction('portal.client.create')
  @Post('clients')
  async create(
    @CurrentDeveloper() developer: DeveloperPrincipal,
    @Body() body: PortalClientDto,
    @Req() request: FastifyRequest,
  ): Promise<CreatedClient> {
    const created = await this.portal.create(developer.id, body);
    stageAudit(request, { client_id: created.client_id });
    return created;
  }

  @Get('clients/:clientId')
  get(@CurrentDeveloper() developer: DeveloperPrincipal, @Param('clientId') clientId: string): Promise<Client> {
    return this.portal.get(developer.id, clientId);
  }

  @AuditAction('portal.client.delete')
  @Delete('clients/:clientId')
  @HttpCode(204)
  remove(@CurrentDeveloper() developer: DeveloperPrincipal, @Param('clientId') clientId: string): Promise<void> {
    return this.portal.remove(developer.id, clientId);
  }

  @ApiOperation({ summary: 'Rotate the secret: the new one is shown once, the old one stops working' })
  @AuditAction('portal.client.rotate_secret')
  @Post('clients/:clientId/secret')
  @HttpCode(200)
  rotate(
    @CurrentDeveloper() developer: DeveloperPrincipal,
    @Param('clientId') clientId: string,
  ): Promise<RotatedSecret> {
    return this.portal.rotateSecret(developer.id, clientId);
  }
}
