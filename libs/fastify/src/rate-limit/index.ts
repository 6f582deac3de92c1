/**
 * @keyslot/fastify/rate-limit: a store for `@fastify/rate-limit` 11 on the shared `ClusterConnection`. A separate
 * entry point, so that `@fastify/rate-limit` stays an optional peer dependency.
 *
 * @packageDocumentation
 * @module @keyslot/fastify/rate-limit
 */
export {
  DEFAULT_RATE_LIMIT_PREFIX,
  KeyslotRateLimitStore,
  type KeyslotRateLimitStoreOptions,
  keyslotRateLimitStore,
  type RateLimitStoreCallback,
  type RateLimitStoreParams,
} from './keyslot-rate-limit-store.js';
