import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client, CreatedClient, Page, RotatedSecret } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { ClientsService } from './clients.service';
import { CreateClientDto, ListClientsQueryDto, UpdateClientDto } from './dto/client.dto';

@ApiTags('clients')
@AdminOnly()
@Controller('api/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @ApiOperation({ summary: 'List clients (search by id, name or description; filter by status)' })
  @Get()
  list(@Query() query: ListClientsQueryDto): Promise<Page<Client>> {
    return this.clients.list(query);
  }

  @ApiOperation({ summary: 'Register a client; the answer holds its secret, shown only this once' })
  @AuditAction('client.create')
  @Post()
  async create(@Body() body: CreateClientDto): Promise<CreatedClient> {
    const { client, secret } = await this.clients.create(body);
    return secret ? { ...client, client_secret: secret } : client;
  }

  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<Client> {
    return this.clients.get(clientId);
  }

  @ApiOperation({ summary: 'Change a client (enable/disable with {"enabled": false})' })
  @AuditAction('client.update')
  @Patch(':clientId')
  update(@Param('clientId') clientId: string, @Body() body: UpdateClientDto): Promise<Client> {
    return this.clients.update(clientId, body);
  }

  @AuditAction('client.delete')
  @Delete(':clientId')
  @HttpCode(204)
  remove(@Param('clientId') clientId: string): Promise<void> {
    return this.clients.remove(clientId);
  }

  @ApiOperation({ summary: 'Rotate the secret: the new one is shown once, the old one stops working' })
  @AuditAction('client.rotate_secret')
  @Post(':clientId/secret')
  @HttpCode(200)
  async rotate(@Param('clientId') clientId: string): Promise<RotatedSecret> {
    return { client_id: clientId, client_secret: await this.clients.rotateSecret(clientId) };
  }

  @AuditAction('client.approve')
  @Post(':clientId/approve')
  @HttpCode(200)
  approve(@Param('clientId') clientId: string): Promise<Client> {
    return this.clients.setStatus(clientId, 'active');
  }

  @AuditAction('client.reject')
  @Post(':clientId/reject')
  @HttpCode(200)
  reject(@Param('clientId') clientId: string): Promise<Client> {
    return this.clients.setStatus(clientId, 'rejected');
  }
}
