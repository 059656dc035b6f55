import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AuthRateLimitGuard } from '../../auth/rate-limit/auth-rate-limit.guard';

/**
 * The authorization server's rate limits, capped at RATE_LIMIT_REGISTER_PER_MINUTE: registration needs no client
 * credential and writes a client, so it gets a much lower ceiling than the token endpoint.
 */
@Injectable()
export class RegistrationRateLimitGuard extends AuthRateLimitGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({ ...request, limit: Math.min(request.limit, this.config.rateLimit.registerPerMinute) });
  }
}
