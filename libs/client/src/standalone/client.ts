import { type ConnectionConfig, type ResolvedConnectionConfig, resolveConnectionConfig } from '../config.js';
import type { NodeConnectionSettings } from '../connection/connection-options.js';
import { DedicatedConnections } from '../connection/dedicated-connections.js';
import { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import { ConfigError } from '../errors.js';
import { type ClientOptions, resolveClientOptions } from './client-options.js';
import { ConnectionManager } from './connection-manager.js';

/**
 * Where a standalone Redis server is and how to log in. Creating one does no I/O; bad URLs and options throw a
 * `ConfigError` at once.
 *
 * ```ts
 * const client = new Client('redis://127.0.0.1:6379');
 * const redis = await client.getConnectionManager();
 * await redis.set('greeting', 'hello');
 * ```
 */
export class Client {
  /** A true private field: util.inspect, JSON.stringify and enumeration never see it (it may hold a password). */
  readonly #options: string | ClientOptions;

  constructor(urlOrOptions: string | ClientOptions = {}) {
    // Validate now so mistakes surface where the client is built, not at the first command.
    resolveClientOptions(urlOrOptions, 1, 1);
    this.#options = urlOrOptions;
  }

  /** One multiplexed connection, without reconnection: when it drops, it stays closed. */
  async getMultiplexedConnection(
    config?: ConnectionConfig & { protocol?: 2 | 3 },
  ): Promise<MultiplexedConnection> {
    const resolved = resolveConnectionConfig(config);
    if (config?.cache !== undefined) {
      throw new ConfigError(
        'cache needs a connection that reconnects and tracks its invalidations: use getConnectionManager({ cache })',
      );
    }
    const settings = this.settingsFor(resolved, config?.protocol);
    const dedicated = new DedicatedConnections(settings, resolved.commandTimeoutMs);
    const connection = await MultiplexedConnection.connect(settings, {
      commandTimeoutMs: resolved.commandTimeoutMs,
      returnBuffers: resolved.returnBuffers,
      onPush: resolved.onPush,
      runBlocking: (command, blockMs) => dedicated.runBlocking(command, blockMs),
    });
    connection.onClose(() => dedicated.destroy());
    return connection;
  }

  /** A connection that reconnects by itself; the one to share across an application. */
  getConnectionManager(config?: ConnectionConfig): Promise<ConnectionManager> {
    return ConnectionManager.create(this, config);
  }

  /** @internal Resolved socket settings for a given configuration. */
  settingsFor(config: ResolvedConnectionConfig, protocol?: 2 | 3): NodeConnectionSettings {
    const settings = resolveClientOptions(this.#options, config.connectTimeoutMs, config.maxPending);
    if (protocol !== undefined) settings.protocol = protocol;
    return settings;
  }
}
