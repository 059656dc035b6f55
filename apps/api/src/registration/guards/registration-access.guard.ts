import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Client } from '@ccri/contracts';
import { ClientsService } from '../../clients/clients.service';
import { bearerToken } from '../../common/http/bearer';
import { invalidRegistrationAccessToken } from '../registration.errors';
import { stageAudit } from '../../common/http/audit-stage';

export interface RegistrationRequest {
  registeredClient?: Client;
}

/** RFC 7592 §3: the registration access token of the client named in the path, compared in constant time. */
@Injectable()
export class RegistrationAccessGuard implements CanActivate {
  constructor(private readonly clients: ClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & RegistrationRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw invalidRegistrationAccessToken('registration_token_missing');
    const { clientId } = request.params as { clientId: string };
    const client = await this.clients.authenticateRegistrationToken(clientId, token);
    if (!client) throw invalidRegistrationAccessToken('registration_token_invalid');
    request.registeredClient = this.clients.toClient(client);
    stageAudit(request, { client_id: client.clientId });
    return true;
  }
}
