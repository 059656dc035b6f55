import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';

/** Passport strategy for client assertions; the verify callback does all the checking (ClientAssertionService). */
export class ClientAssertionStrategy extends Strategy {
  name = 'oauth2-client-assertion';

  constructor(
    private readonly verify: (request: FastifyRequest, done: (err: unknown, client?: unknown) => void) => void,
  ) {
    super();
  }

  override authenticate(req: unknown): void {
    const request = req as FastifyRequest<{ Body: Record<string, unknown> | undefined }>;
    if (typeof request.body?.client_assertion !== 'string') return this.fail({ message: 'no client assertion' }, 401);
    this.verify(request, (err, client) => {
      if (err) return this.error(err as Error);
      if (!client) return this.fail({ message: 'invalid client' }, 401);
      return this.success(client);
    });
  }
}
