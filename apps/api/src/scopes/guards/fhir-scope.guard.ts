import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { INTERACTION_PERMISSION, matchingScopes } from '@ccri/smart-scopes';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { bearerError } from '../../common/errors/domain-error';
import { MetricsService } from '../../metrics/metrics.service';
import { FHIR_INTERACTION_KEY, FHIR_RESOURCE_TYPE_KEY } from '../decorators/fhir-interaction.decorator';
import { FhirAccess } from '../fhir-access';

/** Interactions that only read, and so are open on public resource types to any valid token. */
const READ_ONLY = new Set(['read', 'vread', 'history-instance', 'history-type', 'search-type']);

/**
 * SMART scope check for one FHIR interaction on one resource type (SMART App Launch 2.x §Scopes).
 * Interactions that span types (transaction, batch, system search and history) pass here and are checked per entry.
 */
@Injectable()
export class FhirScopeGuard implements CanActivate {
  private readonly publicTypes: Set<string>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.publicTypes = new Set(config.publicResourceTypes);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { type?: string; id?: string } }>>();
    const principal = request.principal;
    if (!principal) throw bearerError(401, 'invalid_token', 'No verified access token');
    const interaction = this.reflector.get<string>(FHIR_INTERACTION_KEY, context.getHandler());
    const resourceType =
      this.reflector.get<string | undefined>(FHIR_RESOURCE_TYPE_KEY, context.getHandler()) ?? request.params?.type;
    if (request.audit) {
      request.audit.action = interaction;
      request.audit.resource_type = resourceType ?? null;
      request.audit.resource_id = request.params?.id ?? null;
    }
    const permission = INTERACTION_PERMISSION[interaction];
    if (!permission || !resourceType) {
      // Cross-type interactions: the FHIR service checks each entry against the token.
      request.fhirAccess = { interaction, matched: [], publicType: false, patientCompartment: principal.patient };
      return true;
    }
    const matched = matchingScopes(principal.scopes, { resourceType, permission });
    const publicType = this.publicTypes.has(resourceType) && READ_ONLY.has(interaction);
    if (matched.length === 0 && !publicType) {
      this.metrics.fhirDenied(resourceType, interaction);
      throw bearerError(
        403,
        'insufficient_scope',
        `The token's scopes do not permit ${interaction} on ${resourceType}`,
      );
    }
    const best = matched[0];
    let patientCompartment: string | undefined;
    if (best && best.context === 'patient' && !publicType) {
      if (principal.patient) {
        patientCompartment = principal.patient;
      } else if (this.config.strictPatientScopes) {
        this.metrics.fhirDenied(resourceType, interaction);
        throw bearerError(403, 'insufficient_scope', 'patient/ scopes need a patient context, and this token has none');
      }
    }
    const access: FhirAccess = { interaction, resourceType, matched, patientCompartment, publicType };
    request.fhirAccess = access;
    return true;
  }
}
