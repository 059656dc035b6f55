import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { basicCredentialsOf } from './basic-client.strategy';

/**
 * The client id a request claims (Basic user, form `client_id`, or the `iss` of an unverified assertion), for
 * rate limiting and the audit record before authentication has succeeded. Never a basis for access.
 */
export function claimedClientId(request: FastifyRequest): string | undefined {
  // Rate limits, the guard and the audit record all ask; the answer is worked out once per request.
  const memo = request as FastifyRequest & { [CLAIMED]?: string | null };
  if (memo[CLAIMED] === undefined) memo[CLAIMED] = findClaimedClientId(request) ?? null;
  return memo[CLAIMED] ?? undefined;
}

const CLAIMED = Symbol('ccri:claimed-client-id');

function findClaimedClientId(request: FastifyRequest): string | undefined {
  const basic = basicCredentialsOf(request);
  if (basic) return basic.clientId.slice(0, 100);
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (typeof body.client_id === 'string') return body.client_id.slice(0, 100);
  if (typeof body.client_assertion === 'string') {
    try {
      const iss = decodeJwt(body.client_assertion).iss;
      return typeof iss === 'string' ? iss.slice(0, 100) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
