import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { DeclareAccess } from '../../common/decorators/access.decorator';
import { AdminSessionGuard } from '../guards/admin-session.guard';

export const SWAGGER_ADMIN_SCHEME = 'admin';

/** A management route: signed-in administrators only. */
export function AdminOnly() {
  return applyDecorators(DeclareAccess('admin'), UseGuards(AdminSessionGuard), ApiBearerAuth(SWAGGER_ADMIN_SCHEME));
}
