import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { Public } from '../common/decorators/public.decorator';
import {
  CreateIdentityProviderDto,
  PublicProvidersQueryDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import type { IdentityProvider, SignInProvider } from '@ccri/contracts';
import { IdentityProvidersService } from './identity-providers.service';

/** External OpenID providers people, developers and administrators may sign in with (DESIGN.md). */
@ApiTags('identity providers')
@Controller('api/identity-providers')
export class IdentityProvidersController {
  constructor(private readonly providers: IdentityProvidersService) {}

  @ApiOperation({ summary: 'Providers serving an audience: names and start URLs only (for sign-in buttons)' })
  @Public()
  @Get('public')
  publicList(@Query() query: PublicProvidersQueryDto): Promise<SignInProvider[]> {
    return this.providers.publicList(query.audience);
  }

  @AdminOnly()
  @Get()
  list(): Promise<IdentityProvider[]> {
    return this.providers.list();
  }

  @AdminOnly()
  @Get(':id')
  get(@Param('id') id: string): Promise<IdentityProvider> {
    return this.providers.get(id);
  }

  @ApiOperation({ summary: 'Add a provider; its client secret is stored encrypted and never returned' })
  @AdminOnly()
  @AuditAction('identity_provider.create')
  @Post()
  create(@Body() body: CreateIdentityProviderDto): Promise<IdentityProvider> {
    return this.providers.create(body);
  }

  @AdminOnly()
  @AuditAction('identity_provider.update')
  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateIdentityProviderDto): Promise<IdentityProvider> {
    return this.providers.update(id, body);
  }

  @AdminOnly()
  @AuditAction('identity_provider.delete')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.providers.remove(id);
  }
}
