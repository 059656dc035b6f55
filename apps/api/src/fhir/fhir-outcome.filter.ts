import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FhirOutcomeError } from './fhir-errors';
import { FHIR_CONTENT_TYPE } from './fhir-response';
import { stageAuditDefaults } from '../common/http/audit-stage';

/**
 * Renders a FhirOutcomeError with every issue it carries (the global filter gives each issue the error's one code),
 * and records its reason in the audit trail as the global filter does.
 */
@Catch(FhirOutcomeError)
export class FhirOutcomeFilter implements ExceptionFilter {
  catch(error: FhirOutcomeError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    stageAuditDefaults(request, { reason: error.options.auditReason ?? error.code, outcome: 'error' });
    void http
      .getResponse<FastifyReply>()
      .code(error.status)
      .header('content-type', FHIR_CONTENT_TYPE)
      .send(JSON.stringify(error.outcome()));
  }
}
