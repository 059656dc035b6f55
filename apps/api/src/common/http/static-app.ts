import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEMO_APP_PREFIX = '/demo-app/';

/**
 * The demo app loads only its own files and talks only to this server (fhirclient fetches the SMART configuration
 * and the token endpoint here); it is never framed and never posts forms elsewhere.
 */
export const DEMO_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The built demo SMART app at /demo-app/ (demo mode only; app.factory decides). Hashed assets are cached for a
 * year; the pages are revalidated every time. The pages' URLs carry the authorization code and state on return from
 * the server, so no Referer leaves them (RFC 9700 §4.2.4). `/demo-app` redirects to `/demo-app/`: the app's asset
 * URLs are relative and the registered redirect URI ends with the slash.
 */
export function serveDemoApp(fastify: FastifyInstance, dir: string, logger: { warn(msg: string): void }): void {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn(
      `The demo SMART app is not built (${dir}/index.html is missing); run npm run build to serve /demo-app/`,
    );
    return;
  }
  const assets = join(dir, 'assets') + sep;
  void fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const q = request.url.indexOf('?');
      const path = q === -1 ? request.url : request.url.slice(0, q);
      if (path === DEMO_APP_PREFIX.slice(0, -1)) {
        return reply.redirect(DEMO_APP_PREFIX + (q === -1 ? '' : request.url.slice(q)), 301);
      }
      reply.header('content-security-policy', DEMO_APP_CSP);
      reply.header('referrer-policy', 'no-referrer');
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: DEMO_APP_PREFIX,
      wildcard: false,
      index: ['index.html'],
      // The dashboard may have decorated the reply with sendFile already; these routes do not need it.
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', file.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  });
}
