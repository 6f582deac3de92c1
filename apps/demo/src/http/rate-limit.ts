import { parseClientId } from '../links/validation.js';

/** Creates allowed per client and window (`POST /links`). */
export const RATE_LIMIT_MAX = 20;
export const RATE_LIMIT_WINDOW_MS = 10_000;
/** Where both servers keep their rate-limit counters. */
export const RATE_LIMIT_PREFIX = 'ratelimit:';

/**
 * The client a create counts against: the `x-client-id` header, else the remote address. A header that is not a
 * valid client id is a `ValidationError` (400 naming `x-client-id`), raised by the limiter before anything counts.
 */
export function rateLimitClient(request: { headers: Record<string, unknown>; ip: string }): string {
  return parseClientId(request.headers['x-client-id'] ?? request.ip);
}

/** A client is over its limit: 429 with the time until it may create again. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited: retry in ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}
