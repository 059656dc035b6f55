import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy as ClientPasswordStrategy } from 'passport-oauth2-client-password';
import { ClientsService } from '../../clients/clients.service';
import { ClientEntity } from '../../clients/client.entity';
import { BasicClientStrategy } from './basic-client.strategy';
import { ClientAssertionStrategy } from './client-assertion.strategy';
import type { ClientAssertionService } from './client-assertion.service';

/**
 * Passport keeps strategies in one process-wide registry, so a strategy must not hold an application's services
 * (two API instances in one test process would share the last one registered). The guard of each application puts
 * its authenticator on the request instead.
 */
export const CLIENT_AUTHENTICATOR = Symbol('ccri:client-authenticator');
interface Authenticator {
  secret(clientId: string, secret: string): Promise<ClientEntity | false>;
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
    secret: (clientId, secret) => authenticate(clients, request, clientId, secret),
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
): Promise<ClientEntity | false> {
  if (request.audit) request.audit.client_id = clientId.slice(0, 100);
  const client = await clients.authenticateSecret(clientId, secret);
  if (!client) {
    if (request.audit) request.audit.reason = 'invalid_client_credentials';
    return false;
  }
  if (!client.enabled || client.status !== 'active') {
    if (request.audit) request.audit.reason = client.enabled ? `client_${client.status}` : 'client_disabled';
    return false;
  }
  return client;
}

/** `client_secret_basic`. */
@Injectable()
export class ClientBasicAuthStrategy extends PassportStrategy(BasicClientStrategy, 'oauth2-client-basic') {
  constructor() {
    super();
  }

  validate(request: FastifyRequest, clientId: string, secret: string): Promise<ClientEntity | false> {
    return authenticatorOf(request).secret(clientId, secret);
  }
}

/** `client_secret_post` (RFC 6749 §2.3.1: id and secret in the form body). */
@Injectable()
export class ClientPostAuthStrategy extends PassportStrategy(ClientPasswordStrategy, 'oauth2-client-password') {
  constructor() {
    super({ passReqToCallback: true });
  }

  validate(request: FastifyRequest, clientId: string, secret: string): Promise<ClientEntity | false> {
    return authenticatorOf(request).secret(clientId, secret);
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
