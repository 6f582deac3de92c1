export type { CacheOptions } from './cache/cache-options.js';
export { CACHEABLE_COMMANDS } from './cache/cacheable-commands.js';
export type { CacheStats, ConnectionCache } from './cache/client-cache.js';
export { ClusterBatch } from './cluster/cluster-batch.js';
export { ClusterClient } from './cluster/cluster-client.js';
export { ClusterConnection, type ClusterEvents } from './cluster/cluster-connection.js';
export type { ClusterHealth, HealthOptions, HealthProblem } from './cluster/cluster-health.js';
export type {
  ClusterClientOptions,
  ClusterConnectionConfig,
  ClusterNodeInput,
  NatMap,
  ReadFrom,
} from './cluster/cluster-options.js';
export type { ClusterStats } from './cluster/router.js';
export type { ScanOptions } from './cluster/scan-iterator.js';
export { type NodeHealth, SLOT_COUNT } from './cluster/topology.js';
export type { NodeSnapshot, TopologySnapshot } from './cluster/topology-snapshot.js';
export type { Command, CommandExecutor, RedisArg, RedisKey } from './command.js';
export * from './commands/index.js';
export type { ConnectionConfig } from './config.js';
export type { TlsOptions } from './connection/connection-options.js';
export type { Credentials, CredentialsProvider } from './connection/credentials.js';
export { MultiplexedConnection } from './connection/multiplexed-connection.js';
export type { ServerInfo } from './connection/server-info.js';
export {
  type CacheLookupEvent,
  CHANNELS,
  type ConnectEvent,
  type ConnectionCreatedEvent,
  type ConnectionInstrumentation,
  checkInstrumentation,
  type DisconnectEvent,
  type ObservableConnection,
  type RedirectEvent,
  type RetryEvent,
  type StuckEvent,
  type TopologyEvent,
} from './diagnostics-events.js';
export {
  ArgumentError,
  ClosedError,
  ClusterError,
  ConfigError,
  ConnectionError,
  CrossSlotError,
  KeyslotError,
  type KeyslotErrorCode,
  OutcomeUnknownError,
  ProtocolError,
  QueueFullError,
  ReplyError,
  TimeoutError,
  UsageError,
} from './errors.js';
export type { PubSubListener, PubSubMessage } from './pubsub/subscriptions.js';
export { Client } from './standalone/client.js';
export type { ClientOptions } from './standalone/client-options.js';
export { ConnectionManager } from './standalone/connection-manager.js';
export { type CommandTraceContext, commandTracing } from './tracing.js';
export { Multi } from './transaction/multi.js';
export type { BackoffPolicy } from './util/backoff.js';
