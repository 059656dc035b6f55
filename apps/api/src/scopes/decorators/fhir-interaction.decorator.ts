import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { FhirInteraction as Interaction } from '@ccri/contracts';
import { BearerTokenGuard } from '../../auth/guards/bearer-token.guard';
import { DeclareAccess } from '../../common/decorators/access.decorator';
import { AuditAction, AuditResource } from '../../common/decorators/audit-action.decorator';
import { FhirScopeGuard } from '../guards/fhir-scope.guard';
import { FHIR_INTERACTION_KEY, FHIR_RESOURCE_TYPE_KEY } from '../scope-metadata';

export const SWAGGER_OAUTH_SCHEME = 'smart';

/**
 * Declares the FHIR interaction of a route (also its audit action and resource: the interaction on the type, and the
 * `:id`) and attaches the guard chain in its fixed order:
 * bearer token (signature, alg, iss, aud, exp, nbf, revocation, client) → SMART scope for interaction and type.
 * The resource type comes from the `:type` route parameter, or `resourceType` for fixed-type routes.
 */
export function FhirInteraction(interaction: Interaction, resourceType?: string) {
  return applyDecorators(
    DeclareAccess('fhir'),
    SetMetadata(FHIR_INTERACTION_KEY, interaction),
    ...(resourceType ? [SetMetadata(FHIR_RESOURCE_TYPE_KEY, resourceType)] : []),
    AuditAction(interaction),
    AuditResource(resourceType),
    UseGuards(BearerTokenGuard, FhirScopeGuard),
    ApiSecurity(SWAGGER_OAUTH_SCHEME),
  );
}
