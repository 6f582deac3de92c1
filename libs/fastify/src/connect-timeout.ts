/** The client's default `connectTimeoutMs`. */
const CLIENT_DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * How long registration may wait for the cluster: the configured `connectTimeoutMs`, lowered to end before
 * Fastify's `pluginTimeout` so that an unreachable cluster fails with the client's error (which names every seed
 * node and why it failed) rather than Fastify's "plugin did not start in time". The margin is one second, or a
 * tenth of the plugin timeout when that is shorter. A `pluginTimeout` of 0 (disabled) leaves it as it is.
 */
export function connectTimeoutWithin(
  pluginTimeoutMs: number | undefined,
  connectTimeoutMs: number = CLIENT_DEFAULT_CONNECT_TIMEOUT_MS,
): number {
  if (!pluginTimeoutMs || pluginTimeoutMs <= 0) return connectTimeoutMs;
  const margin = Math.min(1_000, pluginTimeoutMs / 10);
  return Math.min(connectTimeoutMs, pluginTimeoutMs - margin);
}
