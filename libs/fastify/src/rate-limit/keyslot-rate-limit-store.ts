import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { ArgumentError, ConfigError, type ScriptRunner } from '@keyslot/client';
import { INCREMENT_SCRIPT, READ_SCRIPT } from './rate-limit-scripts.js';

/** Options of {@link keyslotRateLimitStore}. */
export interface KeyslotRateLimitStoreOptions {
  /** Put before every counter's key. Default `'rate-limit:'`. */
  prefix?: string | undefined;
}

/** The key prefix of the store unless told otherwise. */
export const DEFAULT_RATE_LIMIT_PREFIX = 'rate-limit:';

/** What the plugin passes to a store: its options, merged with a route's own for a child. */
export interface RateLimitStoreParams {
  /** An exceeding request starts the window again. */
  continueExceeding?: boolean | undefined;
  /** An exceeding request doubles the window, once more for each request over the maximum. */
  exponentialBackoff?: boolean | undefined;
  /** The route of a child store: its counters are its own. */
  routeInfo?: { method?: string | string[]; url?: string } | undefined;
}

/** How the store answers the plugin: an error, or the requests counted in the window and the ms it has left. */
export type RateLimitStoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A `@fastify/rate-limit` 11 store on the shared `ClusterConnection`: pass `keyslotRateLimitStore(app.redis)` as the
 * plugin's `store` option. Each request is one script call (EVALSHA; EVAL the first time a node sees the script) on
 * the primary that owns the client's counter, so every application instance counts in the same fixed window.
 *
 * ```ts
 * await app.register(keyslot, { nodes });
 * await app.register(rateLimit, { max: 100, timeWindow: '1 minute', store: keyslotRateLimitStore(app.redis) });
 * ```
 */
export function keyslotRateLimitStore(
  redis: ScriptRunner,
  options: KeyslotRateLimitStoreOptions = {},
): FastifyRateLimitStoreCtor {
  const prefix = options.prefix ?? DEFAULT_RATE_LIMIT_PREFIX;
  if (typeof prefix !== 'string') throw new ConfigError('keyslotRateLimitStore: prefix must be a string');
  return class extends KeyslotRateLimitStore {
    constructor(params: RateLimitStoreParams) {
      super(redis, params, prefix);
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

/**
 * The store itself; make it with {@link keyslotRateLimitStore}, which binds it to a connection. (It does not declare
 * `implements FastifyRateLimitStore`: the plugin's types say `child` receives the route's options, while at run time
 * it receives the plugin's options merged with the route's `config.rateLimit` and a `routeInfo`.)
 */
export class KeyslotRateLimitStore {
  private readonly mode: 'fixed' | 'continue' | 'backoff';
  /** Children made for limiters rather than routes (`fastify.rateLimit(options)`, `createRateLimit(options)`). */
  private limiters = 0;

  /** @internal Made by {@link keyslotRateLimitStore} (bound to its connection) and by `child`. */
  constructor(
    private readonly redis: ScriptRunner,
    params: RateLimitStoreParams,
    /** The prefix of this store's counters; a route's child adds `<METHOD> <url>:` to its parent's. */
    readonly keyPrefix: string,
  ) {
    this.mode = params.continueExceeding ? 'continue' : params.exponentialBackoff ? 'backoff' : 'fixed';
  }

  /** Counts one request of `key` in a window of `timeWindow` ms; calls back with `{ current, ttl }`. */
  incr(key: string, callback: RateLimitStoreCallback, timeWindow: number, max: number): void {
    if (!Number.isFinite(timeWindow) || timeWindow <= 0) {
      callback(
        new ArgumentError(
          `keyslotRateLimitStore: timeWindow must be a positive number of ms, got ${timeWindow}`,
        ),
      );
      return;
    }
    this.redis
      .runScript(INCREMENT_SCRIPT, [this.keyPrefix + key], [Math.ceil(timeWindow), max, this.mode])
      .then((reply) => callback(null, toResult(reply)), callback);
  }

  /** The count of `key` and the ms left in its window, without counting (`increment: false`). */
  read(key: string, callback: RateLimitStoreCallback): void {
    this.redis
      .runScript(READ_SCRIPT, [this.keyPrefix + key])
      .then((reply) => callback(null, toResult(reply)), callback);
  }

  /**
   * The store of a route with its own `config.rateLimit`, or of a limiter made with its own options
   * (`fastify.rateLimit(options)`, `createRateLimit(options)`): its own counters and window behaviour. The plugin
   * gives a limiter no route, so limiters are told apart by the order they are made in (`limiter#<n>:`), the same in
   * every instance of the application.
   */
  child(routeOptions: RateLimitStoreParams): KeyslotRateLimitStore {
    const route = routeOptions.routeInfo ?? {};
    if (route.url === undefined) {
      return new KeyslotRateLimitStore(
        this.redis,
        routeOptions,
        `${this.keyPrefix}limiter#${++this.limiters}:`,
      );
    }
    const method = Array.isArray(route.method) ? route.method.join(',') : (route.method ?? '');
    return new KeyslotRateLimitStore(this.redis, routeOptions, `${this.keyPrefix}${method} ${route.url}:`);
  }
}

function toResult(reply: unknown): { current: number; ttl: number } {
  const [current, ttl] = reply as [number, number];
  return { current, ttl };
}
