import type {
  ClusterClientOptions,
  ClusterConnection,
  ClusterConnectionConfig,
  ClusterNodeInput,
  ConnectionInstrumentation,
} from '@keyslot/client';

/** Options every registration accepts, whether the plugin opens the connection or adopts one. */
export interface KeyslotHealthOptions {
  /**
   * Path of a GET route that reports whether the cluster is usable (e.g. `'/health/redis'`): 200 with
   * `status: 'up'` when every slot is served and every primary answers PING, 503 with `status: 'down'` and a
   * `reason` otherwise. Default: no route.
   */
  healthRoute?: string | undefined;
  /** Most time the health route waits for the primaries' PING replies, in ms. Default 2000. */
  healthTimeoutMs?: number | undefined;
  /**
   * Turns OpenTelemetry on in one line: `instrumentation: new KeyslotInstrumentation()` (from `@keyslot/otel`).
   * The plugin enables it before connecting, has it observe the connection, and disables it when the instance
   * closes. Default: none.
   */
  instrumentation?: ConnectionInstrumentation | undefined;
}

/** The plugin opens (and owns, and closes) a connection to the cluster at these seed nodes. */
export interface KeyslotConnectOptions extends KeyslotHealthOptions {
  /** Seed nodes: `'host:port'` strings, `redis://` URLs or `{ host, port }`, as `ClusterClient` accepts. */
  nodes: ClusterNodeInput | readonly ClusterNodeInput[];
  /** How to log in to every node: username, password, TLS, client name, protocol, NAT map. Default `{}`. */
  clientOptions?: ClusterClientOptions | undefined;
  /**
   * Deadlines, retries and routing of the connection. With `connectOnStart`, `connectTimeoutMs` (default 5000) is
   * lowered when needed to end before Fastify's `pluginTimeout` (one second before it, or a tenth of it when
   * shorter).
   */
  connection?: ClusterConnectionConfig | undefined;
  /**
   * `true` (default): registration waits for the cluster and fails with the client's error when it cannot be
   * reached. `false`: registration returns at once and the connection is made in the background; commands wait
   * for it up to their deadline.
   */
  connectOnStart?: boolean | undefined;
  client?: never | undefined;
  closeConnection?: never | undefined;
}

/** The plugin decorates the instance with a connection the caller opened, and by default leaves it open. */
export interface KeyslotAdoptOptions extends KeyslotHealthOptions {
  /**
   * A `ClusterConnection` the application already has (from `ClusterClient#getConnection()` or
   * `createConnection()`). Named like `@fastify/redis`'s `client` option; it is a connection, not a `ClusterClient`.
   */
  client: ClusterConnection;
  /** Close the adopted connection when the Fastify instance closes. Default `false`: its owner closes it. */
  closeConnection?: boolean | undefined;
  nodes?: never | undefined;
  clientOptions?: never | undefined;
  connection?: never | undefined;
  connectOnStart?: never | undefined;
}

/** Options of `app.register(keyslot, options)`: either seed nodes to connect to, or a connection to adopt. */
export type KeyslotPluginOptions = KeyslotConnectOptions | KeyslotAdoptOptions;
