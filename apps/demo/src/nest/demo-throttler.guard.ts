import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitedError } from '../http/rate-limit.js';

/**
 * `@nestjs/throttler`'s guard, refusing with the API's own 429 (`RateLimitedError`, as the Fastify server's
 * limiter does) instead of its generic `ThrottlerException`.
 */
@Injectable()
export class DemoThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: unknown,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(detail.timeToBlockExpire * 1000);
  }
}
