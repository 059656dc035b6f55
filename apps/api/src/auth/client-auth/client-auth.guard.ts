import { ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ClientAssertionService } from './client-assertion.service';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { oauthError } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import type { ClientEntity } from '../../clients/client.entity';
import { basicCredentialsOf } from './basic-client.strategy';
import { claimedClientId } from './claimed-client';
import { AuthFailureDelay } from '../rate-limit/auth-failure-delay';
import { attachAuthenticator } from './client-strategies';
import { stageAudit } from '../../common/http/audit-stage';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> | undefined }>;

const PUBLIC_CLIENTS_KEY = 'client-auth:public-clients';

/**
 * An endpoint where a public client may identify itself by `client_id` alone, whatever it asks (RFC 7009 §2.1:
 * revocation is open to public clients, which then act only on their own tokens).
 */
export const PublicClientsAllowed = () => SetMetadata(PUBLIC_CLIENTS_KEY, true);

/**
 * Client authentication at the token endpoint (RFC 6749 §2.3): HTTP Basic or the form body, exactly one of them
 * (§2.3: "MUST NOT use more than one authentication method in each request").
 */
@Injectable()
export class ClientAuthGuard extends AuthGuard([
  'oauth2-client-basic',
  'oauth2-client-password',
  'oauth2-client-assertion',
]) {
  constructor(
    private readonly clients: ClientsService,
    private readonly assertions: ClientAssertionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly failures: AuthFailureDelay,
    private readonly reflector: Reflector,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FormRequest>();
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    // RFC 6749 §4.4.2: the request is application/x-www-form-urlencoded.
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw oauthError('invalid_request', 'The request must be application/x-www-form-urlencoded');
    }
    const body = request.body ?? {};
    for (const [key, value] of Object.entries(body)) {
      // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
      if (Array.isArray(value)) throw oauthError('invalid_request', `Parameter ${key} is repeated`);
    }
    const basic = request.headers.authorization?.toLowerCase().startsWith('basic ') ?? false;
    const post = typeof body.client_secret === 'string' && body.client_secret !== '';
    const assertion = typeof body.client_assertion === 'string' || typeof body.client_assertion_type === 'string';
    const methods = [basic, post, assertion].filter(Boolean).length;
    if (methods > 1) throw oauthError('invalid_request', 'Use exactly one client authentication method');
    const claimed = claimedClientId(request);
    if (claimed) stageAudit(request, { client_id: claimed });
    const credentials = basic ? basicCredentialsOf(request) : null;
    // RFC 6749 §2.3.1: a body client_id beside Basic credentials must name the same client.
    if (credentials && typeof body.client_id === 'string' && body.client_id !== credentials.clientId) {
      throw oauthError('invalid_request', 'client_id in the body differs from the client in the Authorization header');
    }
    if (methods === 0 && typeof body.client_id === 'string' && body.client_id !== '') {
      const anyRequest =
        this.reflector.getAllAndOverride<boolean>(PUBLIC_CLIENTS_KEY, [context.getHandler(), context.getClass()]) ===
        true;
      return this.authenticatePublicClient(request, body.client_id, `${claimed ?? ''}|${request.ip}`, anyRequest);
    }
    if (methods === 0) {
      stageAudit(request, { reason: 'no_client_authentication' });
      throw oauthError(
        'invalid_client',
        'Client authentication is required (HTTP Basic, client_secret_post or private_key_jwt)',
        401,
      );
    }
    if (basic && !credentials) {
      throw oauthError('invalid_client', 'The Basic credentials are malformed', 401, {
        auditReason: 'malformed_basic',
      });
    }
    attachAuthenticator(request, this.clients, this.assertions, this.config.publicUrl + request.url.split('?')[0]);
    const key = `${claimed ?? ''}|${request.ip}`;
    try {
      const ok = (await super.canActivate(context)) as boolean;
      this.failures.delete(key);
      return ok;
    } catch (e) {
      await this.failures.penalise(key);
      throw e;
    }
  }

  /**
   * RFC 6749 §2.1 / §3.2.1: a public client (registered with `none`) identifies itself by `client_id` alone, and only
   * for the grants that prove something else (the code with its PKCE verifier, or a refresh token bound to it), or
   * on an endpoint marked `@PublicClientsAllowed()` (`anyRequest`: revocation of its own tokens, RFC 7009 §2.1). The
   * client is put on the request as passport would, so `@AuthenticatedClient()` gives it to the handler.
   */
  private async authenticatePublicClient(
    request: FormRequest,
    clientId: string,
    key: string,
    anyRequest: boolean,
  ): Promise<boolean> {
    const grantType = request.body?.grant_type;
    const client = await this.clients.findActive(clientId);
    let reason: string | null = null;
    if (!anyRequest && grantType !== 'authorization_code' && grantType !== 'refresh_token')
      reason = 'no_client_authentication';
    else if (this.clients.isRefusedDemoClient(clientId)) reason = 'demo_client_outside_demo_mode';
    else if (!client) reason = 'invalid_client_credentials';
    else if (client.tokenEndpointAuthMethod !== 'none') reason = 'auth_method_not_registered';
    if (reason || !client) {
      await this.failures.penalise(key);
      stageAudit(request, { reason: reason ?? 'invalid_client_credentials' });
      throw oauthError(
        'invalid_client',
        reason === 'no_client_authentication'
          ? 'Client authentication is required (HTTP Basic, client_secret_post or private_key_jwt)'
          : 'Client authentication failed',
        401,
      );
    }
    (request as FormRequest & { user?: ClientEntity }).user = client;
    return true;
  }

  override handleRequest<T>(err: unknown, client: T): T {
    if (Array.isArray(err)) throw err[0];
    if (err) throw err;
    if (!client) throw oauthError('invalid_client', 'Client authentication failed', 401);
    return client;
  }
}
