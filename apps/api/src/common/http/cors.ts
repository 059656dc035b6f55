import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the browser origins of registered apps come from (ClientsService: the origins of every redirect URI). */
export interface OriginSource {
  redirectOrigins(): Promise<ReadonlySet<string>>;
}

type CorsKind = 'public' | 'fhir' | 'oauth';

const OAUTH_PATHS = new Set(['/auth/token', '/auth/revoke', '/auth/introspect', '/auth/userinfo']);
const METHODS: Record<CorsKind, string> = {
  public: 'GET, HEAD, OPTIONS',
  fhir: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  oauth: 'GET, POST, OPTIONS',
};
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'prefer',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-none-exist',
  'x-request-id',
];
const DEFAULT_ALLOWED_HEADERS =
  'Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-Modified-Since, If-None-Exist, X-Request-Id';
const EXPOSED_HEADERS = 'Location, ETag, Content-Location, Last-Modified, WWW-Authenticate';
const MAX_AGE_SECONDS = '86400';

/**
 * CORS for browser apps (SMART App Launch 2.2: the app calls the token endpoint and the FHIR API from the page).
 * The discovery documents and the CapabilityStatement are public and readable from any origin (`*`); the FHIR API
 * and the token, revocation, introspection and userinfo endpoints answer only the origins of registered redirect
 * URIs and CORS_ALLOWED_ORIGINS. Credentials (cookies) never flow cross-origin: the app sends a bearer token or
 * client credentials, so `Access-Control-Allow-Credentials` is never sent. /api and the authorize pages get no CORS.
 */
export function installCors(fastify: FastifyInstance, origins: OriginSource, configured: readonly string[]): void {
  const fixed = new Set(configured);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const kind = corsKind(request.url);
    if (!kind) return;
    const origin = request.headers.origin;
    // Fetch standard §3.2.5: a preflight is an OPTIONS request naming the method it is about to use.
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    let allowOrigin: string | null = null;
    if (kind === 'public') {
      allowOrigin = '*';
    } else {
      // The answer depends on Origin, so shared caches must key on it (Fetch standard §3.2.4 "CORS protocol and HTTP caches").
      reply.header('vary', 'Origin');
      if (typeof origin === 'string' && (fixed.has(origin) || (await origins.redirectOrigins()).has(origin))) {
        allowOrigin = origin;
      }
    }
    if (allowOrigin) {
      reply.header('access-control-allow-origin', allowOrigin);
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (!preflight) return;
    if (allowOrigin) {
      reply.headers({
        'access-control-allow-methods': METHODS[kind],
        'access-control-allow-headers': allowedHeaders(request.headers['access-control-request-headers']),
        'access-control-max-age': MAX_AGE_SECONDS,
      });
    }
    return reply.code(204).send();
  });
}

function corsKind(url: string): CorsKind | null {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(/\/+$/, '') || '/';
  if (path.startsWith('/fhir')) {
    if (path === '/fhir/metadata' || path.startsWith('/fhir/.well-known/')) return 'public';
    return path === '/fhir' || path.startsWith('/fhir/') ? 'fhir' : null;
  }
  if (path.startsWith('/.well-known/')) return 'public';
  return OAUTH_PATHS.has(path) ? 'oauth' : null;
}

/** The headers the app asked for when each is one the API reads, else the full list (the browser then refuses). */
function allowedHeaders(requested: string | string[] | undefined): string {
  if (typeof requested !== 'string' || requested.length > 500) return DEFAULT_ALLOWED_HEADERS;
  const names = requested.split(',').map((h) => h.trim().toLowerCase());
  return names.every((h) => ALLOWED_HEADERS.includes(h)) ? requested : DEFAULT_ALLOWED_HEADERS;
}
