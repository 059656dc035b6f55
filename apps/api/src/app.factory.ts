import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { AppConfig, loadConfig } from './config/app-config';
import { createLogger, lazyChildLoggerFactory, PinoNestLogger } from './common/logging/logger';
import { validationExceptionFactory } from './common/filters/validation-exception.factory';
import { installJsonParsers } from './common/http/json-depth';
import { clientErrorHandler, frameworkErrorHandler, trackRouteMethods } from './common/http/framework-errors';
import { AuditService } from './audit/audit.service';
import { MetricsService } from './metrics/metrics.service';
import { SWAGGER_OAUTH_SCHEME } from './scopes/decorators/fhir-interaction.decorator';
import { SWAGGER_ADMIN_SCHEME } from './admin-users/decorators/admin-only.decorator';
import { SWAGGER_DEVELOPER_SCHEME } from './developers/decorators/developer-only.decorator';
import { ScopesService } from './scopes/scopes.service';
import { oauthEndpoints } from './auth/oauth-endpoints';
import { serveDemoApp } from './common/http/static-app';
import { installCors } from './common/http/cors';
import { ClientsService } from './clients/clients.service';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface CreatedApp {
  app: NestFastifyApplication;
  config: AppConfig;
}

/**
 * Builds the whole API exactly as production runs it (main.ts and every test use this): configuration from the
 * environment (plus overrides), Fastify with pino logs and request ids, body parsers, the audit hook, Swagger,
 * the dashboard at /admin. The app is initialised but not listening.
 */
export async function createApp(overrides: Record<string, string | undefined> = {}): Promise<CreatedApp> {
  const config = loadConfig({ ...process.env, ...overrides });
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Per-request log lines only at debug: at 10,000 requests/s they would cost more than the request.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    childLoggerFactory: lazyChildLoggerFactory as never,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // FHIR R4 http.html: the base answers with and without a trailing slash.
    routerOptions: { ignoreTrailingSlash: true },
    requestIdHeader: false,
    // The router's and Node's own refusals in the surface's shape (common/http/framework-errors.ts).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  trackRouteMethods(fastify);

  // Every JSON media type (FHIR's own too) parses with prototype-poisoning protection and a bounded nesting depth.
  installJsonParsers(app, config.bodyLimitBytes);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions?.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.get(AuditService).install(fastify);
  installCors(fastify, app.get(ClientsService), config.corsAllowedOrigins);

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationExceptionFactory,
    }),
  );
  app.enableShutdownHooks();

  if (config.adminStaticDir) serveDashboard(fastify, config.adminStaticDir, logger);
  if (config.demoMode && config.demoAppStaticDir) serveDemoApp(fastify, config.demoAppStaticDir, logger);
  await app.init();
  // After init: the scope catalog is seeded by then, and Swagger lists it.
  await setUpSwagger(app, config);
  return { app, config };
}

async function setUpSwagger(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const endpoints = oauthEndpoints(config.publicUrl);
  const catalog = await app.get(ScopesService).list();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CCRI SMART on FHIR API')
      .setDescription(
        'FHIR R4 REST API with its own OAuth2 / SMART on FHIR authorization server.\n\n' +
          '**FHIR routes**: press *Authorize*, choose the `smart` scheme, enter a client id and secret ' +
          '(client credentials grant) and the scopes you need; Swagger UI fetches a token from `/auth/token`.\n\n' +
          '**Management routes** (`/api`): sign in with `POST /api/auth/login` and put the token in the `admin` scheme.',
      )
      .setVersion('1.0')
      .addServer(config.publicUrl)
      .addOAuth2(
        {
          type: 'oauth2',
          description: 'SMART on FHIR client credentials (client_secret_basic or client_secret_post)',
          flows: {
            clientCredentials: {
              tokenUrl: endpoints.token,
              scopes: Object.fromEntries(catalog.map((s) => [s.scope, s.description])),
            },
          },
        },
        SWAGGER_OAUTH_SCHEME,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Administrator session from POST /api/auth/login',
        },
        SWAGGER_ADMIN_SCHEME,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Developer-portal session from POST /api/portal/login',
        },
        SWAGGER_DEVELOPER_SCHEME,
      )
      .addBasicAuth(
        { type: 'http', scheme: 'basic', description: 'client_id and client_secret (RFC 6749 §2.3.1)' },
        'client',
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    customSiteTitle: 'CCRI SMART on FHIR API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

/**
 * The built dashboard at /admin/ (`/admin` too: the router ignores the trailing slash). Hashed assets are cached
 * for a year; index.html is revalidated every time, so a deploy is picked up at once. Client-side routes fall back
 * to index.html; a missing asset is a 404.
 */
function serveDashboard(fastify: FastifyInstance, dir: string, logger: { warn(msg: string): void }): void {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn(`The dashboard is not built (${dir}/index.html is missing); run npm run build to serve /admin`);
    return;
  }
  void fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/admin/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    setHeaders: (res, path) => {
      res.header(
        'cache-control',
        path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  fastify.get('/admin/*', (request, reply) => {
    if (request.url.startsWith('/admin/assets/'))
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir);
  });
}
