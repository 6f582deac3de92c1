import { resolveCacheOptions } from '../cache/cache-options.js';
import { resolveConnectionConfig } from '../config.js';
import type { NodeConnectionSettings } from '../connection/connection-options.js';
import { CredentialSource, checkCredentialOptions } from '../connection/credentials.js';
import { type ConnectionCreatedEvent, connectionChannel } from '../diagnostics-events.js';
import { ConfigError } from '../errors.js';
import { ClusterConnection } from './cluster-connection.js';
import {
  type ClusterClientOptions,
  type ClusterConnectionConfig,
  type ClusterNodeInput,
  checkClusterOptions,
  parseSeeds,
  type SeedNode,
  wrapPassword,
} from './cluster-options.js';
import { ClusterRouter } from './router.js';

/**
 * Where a Redis Cluster is (seed nodes) and how to log in to every node. Creating one does no I/O; empty or
 * malformed input throws a `ConfigError` at once.
 *
 * ```ts
 * const client = new ClusterClient(['127.0.0.1:7000', '127.0.0.1:7001']);
 * const redis = await client.getConnection();
 * await redis.set('user:1', 'Ada');
 * ```
 */
export class ClusterClient {
  private readonly seeds: SeedNode[];
  // A true private field: util.inspect and JSON.stringify never see it, so the password cannot leak through them.
  readonly #options: ClusterClientOptions;

  constructor(nodes: ClusterNodeInput | readonly ClusterNodeInput[], options: ClusterClientOptions = {}) {
    const parsed = parseSeeds(nodes);
    checkClusterOptions(options);
    this.seeds = parsed.seeds;
    this.#options = { ...parsed.fromUrl, ...options };
    // A password in a seed URL beside a credentials provider is as ambiguous as both in the options.
    if (options.credentials !== undefined) checkCredentialOptions(this.#options);
  }

  /**
   * Connects: discovers the topology from the seed nodes and resolves with the shared `ClusterConnection`, or fails
   * within the connect timeout with an error that lists every seed node tried and why.
   */
  async getConnection(config: ClusterConnectionConfig = {}): Promise<ClusterConnection> {
    const connection = this.createConnection(config);
    try {
      await connection.connect(resolveConnectionConfig(config).connectTimeoutMs);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    if (connectionChannel.hasSubscribers)
      connectionChannel.publish({ connection } satisfies ConnectionCreatedEvent);
    return connection;
  }

  /**
   * Returns the `ClusterConnection` at once and connects in the background: commands wait (up to their deadline)
   * until the cluster is reachable. For applications that must start while the cluster is down.
   */
  createConnection(config: ClusterConnectionConfig = {}): ClusterConnection {
    const resolved = resolveConnectionConfig(config);
    const readFrom = config.readFrom ?? 'primary';
    if (!['primary', 'preferReplica', 'replica'].includes(readFrom)) {
      throw new ConfigError(
        `readFrom must be 'primary', 'preferReplica' or 'replica', got '${String(readFrom)}'`,
      );
    }
    const options = this.#options;
    const cache =
      config.cache === undefined ? undefined : resolveCacheOptions(config.cache, options.protocol ?? 3);
    const password = wrapPassword(options.password);
    // One source per connection: its dedicated connections and every node's share it, and are re-authenticated with it.
    const credentials = options.credentials ? new CredentialSource(options.credentials) : undefined;
    const tls = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
    const router = new ClusterRouter(
      {
        seeds: this.seeds,
        nodeSettings: (host, port): NodeConnectionSettings => ({
          host,
          port,
          tls,
          username: options.username,
          password,
          credentials,
          clientName: options.clientName,
          db: 0,
          protocol: options.protocol ?? 3,
          readonly: readFrom !== 'primary',
          tracking: cache !== undefined,
          connectTimeoutMs: resolved.connectTimeoutMs,
          maxPending: resolved.maxPending,
        }),
        natMap: options.natMap,
        readFrom,
        topologyCheckIntervalMs: config.topologyCheckIntervalMs ?? 30_000,
        minRefreshIntervalMs: config.minRefreshIntervalMs ?? 100,
        maxRedirects: config.maxRedirects ?? 16,
      },
      resolved,
    );
    if (credentials) credentials.onError = (error) => router.events.emit('error', error);
    const connection = new ClusterConnection(router, cache);
    void router.refresh();
    return connection;
  }
}
