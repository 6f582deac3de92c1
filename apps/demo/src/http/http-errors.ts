import { STATUS_CODES } from 'node:http';
import { KeyslotError, ReplyError } from '@keyslot/client';
import { ValidationError } from '../links/validation.js';
import type { HttpResult } from './demo-api.js';
import { RateLimitedError } from './rate-limit.js';

/**
 * What the API answers for an error: 400 naming the field, 429 past a rate limit, 503 when the cluster cannot
 * serve, 500 otherwise.
 */
export function httpError(error: unknown): HttpResult {
  if (error instanceof ValidationError) {
    return { status: 400, body: { error: 'bad_request', field: error.field, message: error.message } };
  }
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) },
      body: { error: 'rate_limited', retryAfterMs: error.retryAfterMs },
    };
  }
  if (error instanceof KeyslotError && !(error instanceof ReplyError)) {
    return {
      status: 503,
      body: {
        error: 'cluster_unavailable',
        code: error.code,
        message: `the Redis cluster cannot serve this request now: ${error.message}`,
      },
    };
  }
  return {
    status: 500,
    body: { error: 'internal', message: error instanceof Error ? error.message : String(error) },
  };
}

/** The answer for a path no route serves. */
export function routeNotFound(request: { method: string; url: string }): HttpResult {
  return { status: 404, body: { error: 'not_found', message: `no route ${request.method} ${request.url}` } };
}

/**
 * What the API answers for an error the framework raised around a route rather than the route itself: a body
 * that is not JSON (400 naming `body`), an unknown route (404), an unsupported content type (415), a body too
 * large (413). Both servers use it, so they answer these in the API's one format.
 */
export function frameworkError(error: unknown, request: { method: string; url: string }): HttpResult {
  if (
    error instanceof ValidationError ||
    error instanceof KeyslotError ||
    error instanceof RateLimitedError
  ) {
    return httpError(error);
  }
  const status = statusOf(error);
  if (status === 404) return routeNotFound(request);
  if (status !== undefined && status >= 400 && status < 500) {
    const reason = (STATUS_CODES[status] ?? 'bad request').toLowerCase().replace(/[^a-z]+/g, '_');
    return { status, body: { error: reason, message: (error as Error).message } };
  }
  return httpError(error);
}

/** The status a framework error carries: Fastify's `statusCode`, or NestJS's `HttpException#getStatus()`. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; getStatus?: () => unknown };
  const status = typeof candidate.getStatus === 'function' ? candidate.getStatus() : candidate.statusCode;
  return typeof status === 'number' ? status : undefined;
}
