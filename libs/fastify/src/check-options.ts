import {
  type ClusterConnection,
  ConfigError,
  type ConnectionInstrumentation,
  checkInstrumentation,
} from '@keyslot/client';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './constants.js';
import type { KeyslotConnectOptions, KeyslotPluginOptions } from './options.js';

/** What registration will do, decided from the options before anything is created. */
export type ConnectionPlan =
  | {
      kind: 'connect';
      nodes: KeyslotConnectOptions['nodes'];
      clientOptions: NonNullable<KeyslotConnectOptions['clientOptions']>;
      config: NonNullable<KeyslotConnectOptions['connection']>;
      connectOnStart: boolean;
    }
  | { kind: 'adopt'; connection: ClusterConnection; closeOnClose: boolean };

/** Where the health route is served, and how long it may wait. */
export interface HealthPlan {
  path: string;
  timeoutMs: number;
}

const CONNECT_ONLY = ['clientOptions', 'connection', 'connectOnStart'] as const;

/**
 * Checks the registration options and turns them into a plan. Throws the client's `ConfigError` (code
 * `ERR_KEYSLOT_CONFIG`) naming the option to fix; plain JavaScript callers get the checks TypeScript would do.
 */
export function checkOptions(options: KeyslotPluginOptions): {
  plan: ConnectionPlan;
  health: HealthPlan | undefined;
  instrumentation: ConnectionInstrumentation | undefined;
} {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('@keyslot/fastify needs options: { nodes } to connect, or { client } to adopt');
  }
  const instrumentation =
    options.instrumentation === undefined
      ? undefined
      : checkInstrumentation(options.instrumentation, '@keyslot/fastify');
  return { plan: connectionPlan(options), health: healthPlan(options), instrumentation };
}

function connectionPlan(options: KeyslotPluginOptions): ConnectionPlan {
  const hasNodes = options.nodes !== undefined;
  const hasClient = options.client !== undefined;
  if (hasNodes === hasClient) {
    throw new ConfigError(
      hasNodes
        ? '@keyslot/fastify got both nodes and client: give nodes (the plugin connects and closes the connection) or client (an existing ClusterConnection), not both'
        : '@keyslot/fastify needs nodes (seed nodes, e.g. ["127.0.0.1:7000"]) or client (an existing ClusterConnection)',
    );
  }
  if (options.client !== undefined) {
    const connection = checkAdopted(options.client);
    const stray = CONNECT_ONLY.filter((name) => options[name] !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(
        `@keyslot/fastify: ${stray.join(', ')} only apply when the plugin connects (nodes); an adopted client is used as it is`,
      );
    }
    if (options.closeConnection !== undefined && typeof options.closeConnection !== 'boolean') {
      throw new ConfigError('@keyslot/fastify: closeConnection must be true or false');
    }
    return { kind: 'adopt', connection, closeOnClose: options.closeConnection === true };
  }
  if (options.closeConnection !== undefined) {
    throw new ConfigError(
      '@keyslot/fastify: closeConnection only applies to an adopted client; a connection the plugin opens from nodes is always closed with the instance',
    );
  }
  if (options.connectOnStart !== undefined && typeof options.connectOnStart !== 'boolean') {
    throw new ConfigError('@keyslot/fastify: connectOnStart must be true or false');
  }
  return {
    kind: 'connect',
    nodes: options.nodes!,
    clientOptions: options.clientOptions ?? {},
    config: options.connection ?? {},
    connectOnStart: options.connectOnStart ?? true,
  };
}

// Duck-typed rather than `instanceof`, so a second copy of @keyslot/client in node_modules still works.
function checkAdopted(client: unknown): ClusterConnection {
  const candidate = client as Partial<Record<string, unknown>> | null;
  if (typeof candidate?.getConnection === 'function') {
    throw new ConfigError(
      '@keyslot/fastify: client is a ClusterClient; pass the connection instead (client: await clusterClient.getConnection()), or pass its seed nodes as nodes',
    );
  }
  const isConnection =
    typeof candidate?.sendCommand === 'function' &&
    typeof candidate.topology === 'function' &&
    typeof candidate.close === 'function';
  if (!isConnection) {
    throw new ConfigError('@keyslot/fastify: client must be a ClusterConnection from @keyslot/client');
  }
  const connection = client as ClusterConnection;
  if (!connection.isOpen) {
    throw new ConfigError('@keyslot/fastify: client was already closed; pass an open ClusterConnection');
  }
  return connection;
}

function healthPlan(options: KeyslotPluginOptions): HealthPlan | undefined {
  const { healthRoute, healthTimeoutMs } = options;
  if (healthTimeoutMs !== undefined && (typeof healthTimeoutMs !== 'number' || !(healthTimeoutMs > 0))) {
    throw new ConfigError(
      `@keyslot/fastify: healthTimeoutMs must be a positive number of milliseconds, got ${String(healthTimeoutMs)}`,
    );
  }
  if (healthRoute === undefined) return undefined;
  if (typeof healthRoute !== 'string' || !healthRoute.startsWith('/')) {
    throw new ConfigError(
      `@keyslot/fastify: healthRoute must be a path starting with '/', e.g. '/health/redis', got ${String(healthRoute)}`,
    );
  }
  return { path: healthRoute, timeoutMs: healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS };
}
