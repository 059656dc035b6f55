import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { LaunchRequest, LaunchResponse } from '@ccri/contracts';
import { AdminOnly } from '../../admin-users/decorators/admin-only.decorator';
import { AuditAction } from '../../common/decorators/audit-action.decorator';
import { LaunchesService } from './launches.service';
import { stageAudit } from '../../common/http/audit-stage';

export class LaunchRequestDto implements LaunchRequest {
  @ApiProperty({ description: 'The app to launch' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  client_id!: string;

  @ApiProperty({ description: 'The Patient in context (`123` or `Patient/123`)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  patient!: string;

  @ApiPropertyOptional({ description: 'The Encounter in context' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  encounter?: string;
}

@ApiTags('launches')
@AdminOnly()
@Controller('api/launches')
export class LaunchesController {
  constructor(private readonly launches: LaunchesService) {}

  @ApiOperation({
    summary:
      'EHR launch (SMART App Launch 2.2): a single-use launch id for the app, valid 5 minutes, and its launch URL',
  })
  @AuditAction('launch.create')
  @Post()
  @HttpCode(201)
  async create(@Body() body: LaunchRequestDto, @Req() request: FastifyRequest): Promise<LaunchResponse> {
    stageAudit(request, {
      client_id: body.client_id,
      resource_type: 'Patient',
      resource_id: body.patient.replace(/^Patient\//, ''),
    });
    return this.launches.create(body, request.admin?.username ?? 'admin');
  }
}
