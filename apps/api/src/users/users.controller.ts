import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EndUser, ExternalIdentity, Page } from '@ccri/contracts';
import { LinkExternalIdentityDto } from './dto/link-external-identity.dto';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { CreateEndUserDto, ListEndUsersQueryDto, UpdateEndUserDto } from './dto/end-user.dto';
import { EndUserAuditInterceptor } from './end-user-audit.interceptor';
import { UserAdminService } from './user-admin.service';

@ApiTags('users')
@AdminOnly()
@UseInterceptors(EndUserAuditInterceptor)
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UserAdminService) {}

  @ApiOperation({ summary: 'List end users (search by username, name or email; filter by role)' })
  @Get()
  list(@Query() query: ListEndUsersQueryDto): Promise<Page<EndUser>> {
    return this.users.list(query);
  }

  @ApiOperation({ summary: 'Create an end user linked to an existing Patient or Practitioner' })
  @AuditAction('user.create')
  @Post()
  create(@Body() body: CreateEndUserDto): Promise<EndUser> {
    return this.users.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<EndUser> {
    return this.users.get(id);
  }

  @ApiOperation({
    summary: 'Change an end user; a new password or {"enabled": false} ends the person’s sessions',
  })
  @AuditAction('user.update')
  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateEndUserDto): Promise<EndUser> {
    return this.users.update(id, body);
  }

  @AuditAction('user.delete')
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.users.remove(id);
  }

  @ApiOperation({ summary: 'Link an external identity (provider + subject) to this person by hand' })
  @AuditAction('user.link_identity')
  @Post(':id/external-identities')
  addExternalIdentity(@Param('id') id: string, @Body() body: LinkExternalIdentityDto): Promise<ExternalIdentity> {
    return this.users.addExternalIdentity(id, body);
  }

  @ApiOperation({ summary: 'Unlink an external identity: it no longer signs this person in' })
  @AuditAction('user.unlink_identity')
  @Delete(':id/external-identities/:linkId')
  @HttpCode(204)
  removeExternalIdentity(@Param('id') id: string, @Param('linkId') linkId: string): Promise<void> {
    return this.users.removeExternalIdentity(id, linkId);
  }

  @ApiOperation({ summary: 'Sign out everywhere: every session of this person ends now' })
  @AuditAction('user.sign_out')
  @Post(':id/sign-out')
  @HttpCode(204)
  signOut(@Param('id') id: string): Promise<void> {
    return this.users.signOutEverywhere(id);
  }
}
