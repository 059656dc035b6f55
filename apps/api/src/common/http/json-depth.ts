import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';

/**
 * How deep a JSON body may nest (objects and arrays, the outermost one is level 1). Real FHIR stays far below it
 * (a Questionnaire with items ten levels deep is about 25), while code that recurses over a body (the JSON Patch
 * clone, class-transformer, the validators) overflows the stack a few thousand levels down.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * True when `text` nests objects/arrays deeper than `max`. One pass over the text, iterative; string contents are
 * skipped with indexOf, so brackets inside strings do not count. Malformed JSON is left to the parser to report.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

export function jsonTooDeep(max = MAX_JSON_DEPTH): DomainError {
  return new DomainError(400, 'json_too_deep', `The JSON body is nested deeper than ${max} levels`, {
    oauthError: 'invalid_request',
    fhirIssue: 'invalid',
  });
}

/** The JSON media types the API parses: plain JSON and FHIR's own (with the same prototype-poisoning protection). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/fhir+json', 'application/json-patch+json'];

/**
 * Fastify's JSON parser (prototype-poisoning protection) for every JSON media type, behind a nesting-depth bound, so
 * nothing after it (the JSON Patch clone, class-transformer, validators) can recurse itself into a stack overflow.
 * Registered through Nest's `useBodyParser`, which then leaves out its own `application/json` parser.
 */
export function installJsonParsers(app: NestFastifyApplication, bodyLimit: number, maxDepth = MAX_JSON_DEPTH): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser(JSON_MEDIA_TYPES, { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonNestsDeeperThan(text, maxDepth)) return done(jsonTooDeep(maxDepth), undefined);
    return parse(request as unknown as FastifyRequest, text, done);
  });
}
