import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { INTERACTION_PERMISSION } from '@ccri/smart-scopes';
import { bearerError } from '../../common/errors/domain-error';
import { MemoReflector } from '../../common/reflection/memo-reflector';
import { ScopeCheck } from '../scope-check';
import { FHIR_INTERACTION_KEY, FHIR_RESOURCE_TYPE_KEY } from '../scope-metadata';
import { TokenAccess } from '../token-access';

/**
 * SMART scope check for one FHIR interaction on one resource type (SMART App Launch 2.x §Scopes).
 * Interactions that span types (transaction, batch, system search and history) pass here and are checked per entry.
 * The token's access, holding this decision, is left on the request for the FHIR services (see Access).
 */
@Injectable()
export class FhirScopeGuard implements CanActivate {
  // Asked twice on every FHIR request; the route's metadata never changes.
  private readonly reflector = new MemoReflector();

  constructor(private readonly scopes: ScopeCheck) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { type?: string; id?: string } }>>();
    const principal = request.principal;
    if (!principal) throw bearerError(401, 'invalid_token', 'No verified access token');
    const interaction = this.reflector.get<string>(FHIR_INTERACTION_KEY, context.getHandler());
    const resourceType =
      this.reflector.get<string | undefined>(FHIR_RESOURCE_TYPE_KEY, context.getHandler()) ?? request.params?.type;
    const access = TokenAccess.forToken(principal, this.scopes);
    const permission = INTERACTION_PERMISSION[interaction];
    // Cross-type interactions: the FHIR services check each entry against the same access.
    if (permission && resourceType) access.require(resourceType, permission, interaction);
    request.tokenAccess = access;
    return true;
  }
}
