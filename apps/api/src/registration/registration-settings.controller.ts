import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { InitialAccessTokenInfo, IssuedInitialAccessToken, RegistrationSettings } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { IssueInitialAccessTokenDto } from './dto/initial-access-token.dto';
import { RegistrationSettingsDto } from './dto/registration-settings.dto';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { RegistrationSettingsService } from './registration-settings.service';

@ApiTags('settings')
@AdminOnly()
@Controller('api/settings/registration')
export class RegistrationSettingsController {
  constructor(
    private readonly settings: RegistrationSettingsService,
    private readonly initialTokens: InitialAccessTokensService,
  ) {}

  @ApiOperation({ summary: 'The dynamic registration policy and the scopes self-registered clients may ask for' })
  @Get()
  get(): Promise<RegistrationSettings> {
    return this.settings.get();
  }

  @AuditAction('registration_settings.update')
  @Put()
  put(@Body() body: RegistrationSettingsDto): Promise<RegistrationSettings> {
    return this.settings.put(body);
  }

  @ApiOperation({ summary: 'Issue an initial access token for the initial-token policy; it is shown only this once' })
  @AuditAction('initial_access_token.issue')
  @Post('initial-access-tokens')
  @Header('Cache-Control', 'no-store')
  issue(@Body() body: IssueInitialAccessTokenDto): Promise<IssuedInitialAccessToken> {
    return this.initialTokens.issue(body);
  }

  @Get('initial-access-tokens')
  list(): Promise<InitialAccessTokenInfo[]> {
    return this.initialTokens.list();
  }

  @AuditAction('initial_access_token.revoke')
  @Delete('initial-access-tokens/:id')
  @HttpCode(204)
  revoke(@Param('id') id: string): Promise<void> {
    return this.initialTokens.revoke(id);
  }
}
