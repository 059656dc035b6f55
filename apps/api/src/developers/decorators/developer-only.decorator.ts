import { applyDecorators, UseGuards } from '@nestjs/common';
import { Public } from '../../common/decorators/public.decorator';
import { DeveloperSessionGuard } from '../guards/developer-session.guard';

/**
 * A developer-portal route: signed-in integrators only, each seeing only what they own.
 *
 * The global RouteDeclarationGuard knows the access kinds of `common/decorators/access.decorator.ts`
 * (public, fhir, admin, client), and a portal session is none of them. Until a `developer` kind is added there,
 * the route is declared public to that guard — which only checks that a declaration exists — and this decorator
 * attaches DeveloperSessionGuard in the same breath, so the two can never be applied apart. A route is refused
 * without a valid portal session exactly as an @AdminOnly route is without an admin session.
 */
export function DeveloperOnly() {
  return applyDecorators(Public(), UseGuards(DeveloperSessionGuard));
}
