import { ConfigError } from '../errors.js';

/** Client-side caching of read replies (RESP3 only). Every field has a default. */
export interface CacheOptions {
  /** Most entries held; the least recently used is evicted beyond it. Default 10000. */
  maxEntries?: number | undefined;
  /** Most bytes held (an estimate of keys and replies); the least recently used is evicted beyond it. Default 64 MiB. */
  maxBytes?: number | undefined;
  /** An entry older than this is a miss, whatever the server said; 0 or absent: no age limit. */
  ttlMs?: number | undefined;
}

/** `CacheOptions` with every default applied. */
export interface ResolvedCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}

/**
 * Checks the cache options before any I/O; throws `ConfigError` (code `ERR_KEYSLOT_CONFIG`) naming the bad field.
 * Caching needs RESP3: the server's invalidation messages are push frames, which RESP2 cannot carry on the same
 * connection.
 */
export function resolveCacheOptions(options: CacheOptions, protocol: 2 | 3): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('cache must be an object such as { maxEntries: 10000, maxBytes: 67108864 }');
  }
  if (protocol !== 3) {
    throw new ConfigError(
      'cache needs protocol 3 (RESP3): invalidation messages are push frames; remove `protocol: 2` or the cache option',
    );
  }
  return {
    maxEntries: whole(options.maxEntries, 10_000, 'cache.maxEntries', 1),
    maxBytes: whole(options.maxBytes, 64 * 1024 * 1024, 'cache.maxBytes', 1),
    ttlMs: whole(options.ttlMs, 0, 'cache.ttlMs', 0),
  };
}

function whole(value: number | undefined, fallback: number, name: string, least: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
    throw new ConfigError(`${name} must be an integer of at least ${least}, got ${String(value)}`);
  }
  return value;
}
