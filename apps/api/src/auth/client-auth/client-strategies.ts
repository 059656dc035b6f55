import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy as ClientPasswordStrategy } from 'passport-oauth2-client-password';
import { ClientsService } from '../../clients/clients.service';
import { ClientEntity } from '../../clients/client.entity';
import { BasicClientStrategy } from './basic-client.strategy';
import { ClientAssertionStrategy } from './client-assertion.strategy';
import type { ClientAssertionService } from './client-assertion.service';
import { stageAudit } from '../../common/http/audit-stage';

/**
 * Passport keeps strategies in one process-wide registry, so a strategy must not hold an application's services
 * (two API instances in one test process would share the last one registered). The guard of each application puts
 * its authenticator on the request instead.
 */
export const CLIENT_AUTHENTICATOR = Symbol('ccri:client-authenticator');
type SecretMethod = 'client_secret_basic' | 'client_secret_post';

interface Authenticator {
  secret(clientId: string, secret: string, via: SecretMethod): Promise<ClientEntity | false>;
  assertion(body: Record<string, unknown>): Promise<ClientEntity>;
}
type WithAuthenticator = FastifyRequest & { [CLIENT_AUTHENTICATOR]?: Authenticator };

export function attachAuthenticator(
  request: FastifyRequest,
  clients: ClientsService,
  assertions: ClientAssertionService,
  endpointUrl: string,
): void {
  (request as WithAuthenticator)[CLIENT_AUTHENTICATOR] = {
    secret: (clientId, secret, via) => authenticate(clients, request, clientId, secret, via),
    assertion: (body) =>
      assertions.authenticate(body.client_assertion_type, body.client_assertion, body.client_id, endpointUrl),
  };
}

function authenticatorOf(request: FastifyRequest): Authenticator {
  const fn = (request as WithAuthenticator)[CLIENT_AUTHENTICATOR];
  if (!fn) throw new Error('Client authentication ran without ClientAuthGuard');
  return fn;
}

/** Checks a presented id and secret; notes in the audit context why a refusal happened. */
async function authenticate(
  clients: ClientsService,
  request: FastifyRequest,
  clientId: string,
  secret: string,
  via: SecretMethod,
): Promise<ClientEntity | false> {
  stageAudit(request, { client_id: clientId.slice(0, 100) });
  if (clients.isRefusedDemoClient(clientId)) {
    stageAudit(request, { reason: 'demo_client_outside_demo_mode' });
    return false;
  }
  const client = await clients.authenticateSecret(clientId, secret);
  if (!client) {
    stageAudit(request, { reason: 'invalid_client_credentials' });
    return false;
  }
  if (!secretMethodAllowed(client.tokenEndpointAuthMethod, via, clients.isServedDemoClient(client.clientId))) {
    stageAudit(request, { reason: 'auth_method_not_registered' });
    return false;
  }
  if (!client.enabled || client.status !== 'active') {
    stageAudit(request, { reason: client.enabled ? `client_${client.status}` : 'client_disabled' });
    return false;
  }
  return client;
}

/**
 * RFC 6749 §2.3 and RFC 7591 §2: a client authenticates only with the method it registered, so a private_key_jwt or
 * public client's secret does not authenticate it, and a client_secret_basic client may not send its secret in the
 * body (nor a client_secret_post client in a Basic header). The one exception is the CCRI's published demo clients
 * in demo mode, whose Postman walkthrough sends the secret either way.
 */
export function secretMethodAllowed(registered: string, via: SecretMethod, ccriDemoClient = false): boolean {
  return registered === via || (ccriDemoClient && registered === 'client_secret_basic' && via === 'client_secret_post');
}

/** `client_secret_basic`. */
@Injectable()
export class ClientBasicAuthStrategy extends PassportStrategy(BasicClientStrategy, 'oauth2-client-basic') {
  constructor() {
    super();
  }

  validate(request: FastifyRequest, clientId: string, secret: string): Promise<ClientEntity | false> {
    return authenticatorOf(request).secret(clientId, secret, 'client_secret_basic');
  }
}

/** `client_secret_post` (RFC 6749 §2.3.1: id and secret in the form body). */
@Injectable()
export class ClientPostAuthStrategy extends PassportStrategy(ClientPasswordStrategy, 'oauth2-client-password') {
  constructor() {
    super({ passReqToCallback: true });
  }

  validate(request: FastifyRequest, clientId: string, secret: string): Promise<ClientEntity | false> {
    return authenticatorOf(request).secret(clientId, secret, 'client_secret_post');
  }
}

/** `private_key_jwt` (RFC 7523 §2.2): a signed JWT in `client_assertion`. */
@Injectable()
export class ClientAssertionAuthStrategy extends PassportStrategy(ClientAssertionStrategy, 'oauth2-client-assertion') {
  constructor() {
    super();
  }

  validate(request: FastifyRequest): Promise<ClientEntity> {
    return authenticatorOf(request).assertion((request.body ?? {}) as Record<string, unknown>);
  }
}
