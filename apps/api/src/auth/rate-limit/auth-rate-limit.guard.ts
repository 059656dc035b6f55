import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { MemoReflector } from '../../common/reflection/memo-reflector';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { claimedClientId } from '../client-auth/claimed-client';
import { stageAudit } from '../../common/http/audit-stage';

/**
 * Rate limits of the authorization server's endpoints, per address and per client (ThrottlerModule in AuthModule).
 * Answers carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (IETF RateLimit header fields);
 * a refusal is a 429 with `Retry-After`, audited as a denial.
 */
@Injectable()
export class AuthRateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    // The library reads ten route metadata entries per request; their answers never change.
    _reflector: Reflector,
  ) {
    super(options, storage, new MemoReflector());
  }

  /** Counter key per route, throttler and tracker (the library hashes it; a plain string is as unique and cheaper). */
  protected override generateKey(context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${context.getClass().name}.${context.getHandler().name}|${throttlerName}|${tracker}`;
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const claimed = claimedClientId(request);
    if (claimed) stageAudit(request, { client_id: claimed });
    return super.canActivate(context);
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new DomainError(429, 'rate_limited', `Too many requests; retry after ${retryAfter} s`, {
      oauthError: 'too_many_requests',
      fhirIssue: 'throttled',
      headers: { 'retry-after': String(retryAfter) },
      auditReason: detail.tracker.startsWith('client:') ? 'rate_limited_client' : 'rate_limited_ip',
    });
  }
}
