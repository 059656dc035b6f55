import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { DeclareAccess } from '../../common/decorators/access.decorator';
import { DeveloperSessionGuard } from '../guards/developer-session.guard';

export const SWAGGER_DEVELOPER_SCHEME = 'developer';

/** A developer-portal route: signed-in integrators only, each seeing only what they own. */
export function DeveloperOnly() {
  return applyDecorators(
    DeclareAccess('developer'),
    UseGuards(DeveloperSessionGuard),
    ApiBearerAuth(SWAGGER_DEVELOPER_SCHEME),
  );
}
