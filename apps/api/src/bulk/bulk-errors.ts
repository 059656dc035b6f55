import { DomainError } from '../common/errors/domain-error';

/** The bulk export module's errors, each with a stable code; on /fhir they render as an OperationOutcome. */
export const bulkErrors = {
  invalidRequest: (message: string, field?: string) =>
    new DomainError(400, 'bulk_invalid_request', message, {
      fhirIssue: 'invalid',
      ...(field ? { fieldErrors: [{ field, message }] } : {}),
    }),
  unsupported: (message: string, field?: string) =>
    new DomainError(400, 'bulk_not_supported', message, {
      fhirIssue: 'not-supported',
      ...(field ? { fieldErrors: [{ field, message }] } : {}),
    }),
  jobNotFound: () =>
    new DomainError(404, 'bulk_job_not_found', 'No export job is known at this URL (it may have expired)', {
      fhirIssue: 'not-found',
    }),
  fileNotFound: () =>
    new DomainError(404, 'bulk_file_not_found', 'No export file is known at this URL (it may have expired)', {
      fhirIssue: 'not-found',
    }),
  // Bulk Data IG 2.0 §Status Request: a client polling too often may be answered 429.
  tooFrequent: (retryAfter: number) =>
    new DomainError(429, 'bulk_poll_too_frequent', `Poll the status no more than every ${retryAfter} s`, {
      fhirIssue: 'throttled',
      headers: { 'retry-after': String(retryAfter) },
    }),
  tooManyJobs: (max: number, retryAfter: number) =>
    new DomainError(429, 'bulk_too_many_jobs', `This client already has ${max} export jobs in progress`, {
      fhirIssue: 'throttled',
      headers: { 'retry-after': String(retryAfter) },
    }),
  groupNotFound: (id: string) =>
    new DomainError(404, 'bulk_group_not_found', `Group/${id} is not known`, { fhirIssue: 'not-found' }),
};
