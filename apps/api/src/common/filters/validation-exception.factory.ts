import type { ValidationError } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';

/** Flattens class-validator's error tree into one message per field path (`grant_types.0`, `jwks.keys`). */
export function fieldErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...fieldErrors(e.children, field));
  }
  return out;
}

/** The global ValidationPipe's errors, as a validation_failed DomainError with field-level messages. */
export function validationExceptionFactory(errors: ValidationError[]): Error {
  const fields = fieldErrors(errors);
  return validationFailed(`The request is not valid: ${fields.map((f) => f.field).join(', ')}`, fields);
}
