import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { renderForSurface } from '../filters/error-renderers';
import { sendError } from '../filters/http-error.filter';
import { surfaceOf } from './request-context';

/**
 * Fastify's router refusals (FST_ERR_BAD_URL 400, FST_ERR_MAX_PARAM_LENGTH 414) arrive before any hook or filter:
 * rendered here for the surface the URL belongs to, like every other error.
 */
export function frameworkErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendError(error, request, reply);
}

/** The request target of the first line of a raw HTTP request, when the bytes received hold one. */
function requestTarget(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '';
  const firstLine = raw.subarray(0, 512).toString('latin1');
  const match = /^[A-Z]+ (\/\S*)/.exec(firstLine);
  return match ? match[1] : '';
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it (headers or URL over `maxHeaderSize`: 431; a timeout:
 * 408; anything unparseable: 400). Fastify then only has the socket: this writes the surface's own error body, the
 * surface read from the request line in the bytes Node hands over (`rawPacket`); without one, problem details.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are larger than the server accepts']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const url = requestTarget((err as { rawPacket?: unknown }).rawPacket) || '/';
  const error = new DomainError(status, STATUS_CODES[status]!.toLowerCase().replace(/\W+/g, '_'), message, {
    oauthError: 'invalid_request',
    fhirIssue: status === 431 ? 'too-costly' : 'invalid',
  });
  const surface = surfaceOf(url);
  const rendered = renderForSurface(surface === 'other' ? 'api' : surface, error, url);
  const body = JSON.stringify(rendered.body);
  const headers = Object.entries({
    ...rendered.headers,
    'content-type': rendered.contentType,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  this.log.debug({ code: err.code }, 'client error');
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
  socket.destroy(err);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A route path (`/fhir/:type/:id`, `/admin/*`) as a regular expression over a request path. */
function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part, i) => (i % 2 === 1 ? (part === '*' ? '.*' : '[^/]+') : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route serves at `path` (for 405's `Allow`); empty when no route has the path at all. */
    allowedMethods?: (path: string) => string[];
  }
}

/**
 * Keeps every route's path and methods as they are registered, so that a request the router did not match can be
 * told apart: no route for the path at all (404), or only for other methods (405 with `Allow`, RFC 9110 §15.5.6).
 * Must be installed before the routes are (before `app.init()`).
 */
export function trackRouteMethods(fastify: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = new Set((Array.isArray(route.method) ? route.method : [route.method]).map(String));
    if (methods.has('GET')) methods.add('HEAD');
    routes.push({ pattern: routePattern(route.url ?? route.path), methods });
  });
  fastify.decorate('allowedMethods', (path: string) => {
    const allowed = new Set<string>();
    for (const route of routes) if (route.pattern.test(path)) for (const m of route.methods) allowed.add(m);
    return METHODS.filter((m) => allowed.has(m));
  });
}
