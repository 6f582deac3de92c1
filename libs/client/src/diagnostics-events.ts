import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClusterConnection } from './cluster/cluster-connection.js';
import { ConfigError } from './errors.js';
import type { ConnectionManager } from './standalone/connection-manager.js';

/**
 * keyslot's `diagnostics_channel` events besides the `keyslot:command` trace, for OpenTelemetry (`@keyslot/otel`)
 * and other tools. Each is published only when someone subscribes (the payload is not even built otherwise), and
 * carries no command argument, password or key.
 */

/** A connection an application holds: a cluster connection, or a standalone `ConnectionManager` (one node). */
export type ObservableConnection = ClusterConnection | ConnectionManager;

/**
 * A connection was created and connected: a cluster connection with its first topology, or a standalone
 * `ConnectionManager`. Channel `keyslot:connection`: instrumentation keeps it to observe its pending commands per
 * node (a cluster's `topology()`, a manager's `pending`), and lets it go once it is closed (`isOpen` false).
 */
export interface ConnectionCreatedEvent {
  connection: ObservableConnection;
}

/** A connection to a node was opened (handshake done). Channel `keyslot:connect`. */
export interface ConnectEvent {
  /** `host:port` of the node. */
  address: string;
  /** True when it replaces a connection to the same node that was lost. */
  reconnect: boolean;
}

/** A connection to a node was lost (not closed by the application); keyslot reconnects. Channel `keyslot:disconnect`. */
export interface DisconnectEvent {
  address: string;
  /** Why it was lost, when known (absent when the server closed it cleanly). */
  error?: Error | undefined;
}

/** A topology refresh ended. Channel `keyslot:topology`. */
export interface TopologyEvent {
  /** `changed`: the slot map or the nodes differ from before; `unchanged`; `failed`: no node could describe it. */
  outcome: 'changed' | 'unchanged' | 'failed';
  /** Nodes in the map now (0 when unknown). */
  nodes: number;
  /** Slots some primary serves now. */
  coveredSlots: number;
  /** Why the refresh failed, on `failed`. */
  error?: Error | undefined;
}

/** A node answered MOVED or ASK. Channel `keyslot:redirect`. */
export interface RedirectEvent {
  kind: 'MOVED' | 'ASK';
  /** The command's name. */
  command: string;
  slot: number;
  /** The node that redirected. */
  from: string;
  /** The node it redirected to (after NAT mapping). */
  to: string;
}

/** A command is sent again after a backoff delay (it did not run, or is safe to run twice). Channel `keyslot:retry`. */
export interface RetryEvent {
  command: string;
  /** Retries of this command so far, this one included. */
  attempt: number;
  /** The node where it last failed, when known. */
  node?: string | undefined;
  /** The failure's error class name or reply prefix, e.g. `ConnectionError`, `CLUSTERDOWN`, `TRYAGAIN`. */
  reason: string;
}

/** A connection that owed replies and delivered nothing for a whole command timeout was dropped. Channel `keyslot:stuck`. */
export interface StuckEvent {
  address: string;
  /** How long nothing had been read while replies were owed, in ms. */
  silentMs: number;
}

/** A cached read (client-side caching) was served locally or had to go to the server. Channels `keyslot:cache:hit` / `keyslot:cache:miss`. */
export interface CacheLookupEvent {
  /** The read command's name, e.g. `GET`. */
  command: string;
}

export const connectionChannel = diagnosticsChannel.channel('keyslot:connection');
export const connectChannel = diagnosticsChannel.channel('keyslot:connect');
export const disconnectChannel = diagnosticsChannel.channel('keyslot:disconnect');
export const topologyChannel = diagnosticsChannel.channel('keyslot:topology');
export const redirectChannel = diagnosticsChannel.channel('keyslot:redirect');
export const retryChannel = diagnosticsChannel.channel('keyslot:retry');
export const stuckChannel = diagnosticsChannel.channel('keyslot:stuck');
export const cacheHitChannel = diagnosticsChannel.channel('keyslot:cache:hit');
export const cacheMissChannel = diagnosticsChannel.channel('keyslot:cache:miss');

/** The name of every keyslot channel, for subscribers that match by name (`keyslot:command` is a tracing channel). */
export const CHANNELS = {
  command: 'keyslot:command',
  connection: 'keyslot:connection',
  connect: 'keyslot:connect',
  disconnect: 'keyslot:disconnect',
  topology: 'keyslot:topology',
  redirect: 'keyslot:redirect',
  retry: 'keyslot:retry',
  stuck: 'keyslot:stuck',
  cacheHit: 'keyslot:cache:hit',
  cacheMiss: 'keyslot:cache:miss',
} as const;

/** Publishes a cache lookup; for the client-side cache, which calls it on every cached read. */
export function publishCacheLookup(hit: boolean, command: string): void {
  const channel = hit ? cacheHitChannel : cacheMissChannel;
  if (channel.hasSubscribers) channel.publish({ command } satisfies CacheLookupEvent);
}

/** Publishes a retry; the reason is the reply's prefix for a server error, else the error's class name. */
export function publishRetry(command: string, attempt: number, node: string, error: Error | undefined): void {
  if (!retryChannel.hasSubscribers) return;
  const prefix = (error as { prefix?: unknown } | undefined)?.prefix;
  const event: RetryEvent = {
    command,
    attempt,
    reason: typeof prefix === 'string' ? prefix : (error?.name ?? 'Error'),
  };
  if (node !== '') event.node = node;
  retryChannel.publish(event);
}

/**
 * What a framework integration needs of an instrumentation to turn it on with its connection and off with the
 * application (`@keyslot/otel`'s `KeyslotInstrumentation` is one): the NestJS module's and the Fastify plugin's
 * `instrumentation` option.
 */
export interface ConnectionInstrumentation {
  /** Subscribes to keyslot's channels (idempotent). */
  enable(): void;
  /** Unsubscribes. */
  disable(): void;
  /** Reports this connection's per-node figures (pending commands) until it closes. */
  observe(connection: ObservableConnection): void;
}

/** Throws a `ConfigError` naming `where` unless `value` can serve as an instrumentation. */
export function checkInstrumentation(value: unknown, where: string): ConnectionInstrumentation {
  const candidate = value as Partial<Record<keyof ConnectionInstrumentation, unknown>> | null;
  const methods = ['enable', 'disable', 'observe'] as const;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    methods.some((m) => typeof candidate[m] !== 'function')
  ) {
    throw new ConfigError(
      `${where}: instrumentation must have enable(), disable() and observe(connection), e.g. new KeyslotInstrumentation() from @keyslot/otel`,
    );
  }
  return value as ConnectionInstrumentation;
}
