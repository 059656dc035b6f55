import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import type { ClientsService } from '../../clients/clients.service';
import { claimedClientId } from '../client-auth/claimed-client';
import type { SharedRateCounts } from './shared-rate-counts.service';
import { WindowCounterStorage } from './window-counter.storage';

const MINUTE_MS = 60_000;

/**
 * Two limits on each authorization-server endpoint: per address (RATE_LIMIT_TOKEN_PER_MINUTE) and per client
 * (the client's own `rate_limit_per_minute`, else RATE_LIMIT_CLIENT_PER_MINUTE). Defaults are generous: a test
 * suite or an integrator's run from one address must not meet them. The counts are shared by every instance on the
 * database (SharedRateCounts), so a load balancer in front of N instances does not multiply the limits.
 */
export function rateLimitOptions(
  config: AppConfig,
  clients: ClientsService,
  shared: SharedRateCounts,
): ThrottlerModuleOptions {
  const request = (context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>();
  return {
    storage: new WindowCounterStorage(shared),
    throttlers: [
      {
        name: 'default',
        ttl: MINUTE_MS,
        limit: config.rateLimit.tokenPerMinute,
        getTracker: (req) => `ip:${(req as FastifyRequest).ip}`,
      },
      {
        name: 'client',
        ttl: MINUTE_MS,
        skipIf: (context) => claimedClientId(request(context)) === undefined,
        getTracker: (req) => `client:${claimedClientId(req as FastifyRequest)}`,
        limit: async (context) => {
          const id = claimedClientId(request(context));
          const client = id ? await clients.findCached(id) : null;
          return client?.rateLimitPerMinute ?? config.rateLimit.clientPerMinute;
        },
      },
    ],
  };
}
