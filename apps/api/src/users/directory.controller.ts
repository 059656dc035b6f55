import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DirectoryEntry } from '@ccri/contracts';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { DirectoryService } from './directory.service';
import { DirectoryQueryDto } from './dto/end-user.dto';

@ApiTags('users')
@AdminOnly()
@Controller('api/directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @ApiOperation({ summary: 'Patients by name or NHS number (at most 20), for pickers' })
  @Get('patients')
  patients(@Query() query: DirectoryQueryDto): Promise<DirectoryEntry[]> {
    return this.directory.find('Patient', query.search);
  }

  @ApiOperation({ summary: 'Practitioners by name or identifier (at most 20), for pickers' })
  @Get('practitioners')
  practitioners(@Query() query: DirectoryQueryDto): Promise<DirectoryEntry[]> {
    return this.directory.find('Practitioner', query.search);
  }
}
