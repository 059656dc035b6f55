import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { UserinfoResponse, UserinfoService } from './userinfo.service';

/** OpenID Connect userinfo: public as a route, the Bearer token is checked by the service (RFC 6750 errors). */
@ApiTags('oauth')
@Controller('auth')
export class UserinfoController {
  constructor(private readonly userinfo: UserinfoService) {}

  @ApiOperation({ summary: 'OpenID Connect userinfo (Core §5.3): sub, fhirUser, name, email per granted scopes' })
  @Public()
  @Get('userinfo')
  @Header('Cache-Control', 'no-store')
  @Header('Access-Control-Allow-Origin', '*')
  get(@Req() request: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.userinfo(request.headers.authorization);
  }

  @ApiOperation({ summary: 'OpenID Connect userinfo by POST (Core §5.3.1)' })
  @Public()
  @Post('userinfo')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Access-Control-Allow-Origin', '*')
  post(@Req() request: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.userinfo(request.headers.authorization);
  }
}
