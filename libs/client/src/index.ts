/**
 * @keyslot/client: the Redis Cluster engine (RESP2/RESP3, multiplexed connections, cluster routing). Every name
 * exported here is public API, listed one by one so that nothing internal leaks out through a re-export.
 *
 * @packageDocumentation
 * @module @keyslot/client
 */
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
export { slotOfKey } from './cluster/key-slots.js';
export type { ClusterStats } from './cluster/router.js';
export type { ScanIteratorOptions } from './cluster/scan-iterator.js';
export { type NodeHealth, SLOT_COUNT } from './cluster/topology.js';
export type { NodeSnapshot, TopologySnapshot } from './cluster/topology-snapshot.js';
export type { Command, CommandExecutor, RedisArg, RedisKey } from './command.js';
export {
  type BitcountRange,
  type BitfieldCommands,
  type BitfieldEncoding,
  type BitfieldOffset,
  type BitfieldOperation,
  type BitposRange,
  type ClientTrackingInfoReply,
  type ClusterLinksReply,
  type ClusterShardsReply,
  type ClusterSlotStatsOrderby,
  type ClusterSlotStatsReply,
  type ClusterSlotStatsSlotsrange,
  type ClusterSlotsReply,
  type CommandBase,
  type CommandDocsReply,
  type CommandDocsReplyArguments,
  type CommandInfoReply,
  type CommandListOptions,
  type CommandSender,
  type CommandSpec,
  type CopyOptions,
  defineScript,
  type ExpireMode,
  type FieldMap,
  type FieldsInput,
  type FieldValue,
  type FlushMode,
  type FunctionListOptions,
  type FunctionListReply,
  type FunctionStatsReply,
  type GeneratedBitmapCommands,
  type GeneratedClusterCommands,
  type GeneratedCommands,
  type GeneratedConnectionCommands,
  type GeneratedGenericCommands,
  type GeneratedHashCommands,
  type GeneratedHyperloglogCommands,
  type GeneratedListCommands,
  type GeneratedScriptingCommands,
  type GeneratedServerCommands,
  type GeneratedSortedSetCommands,
  type GeneratedStreamCommands,
  type GeneratedStringCommands,
  type GeoAddOptions,
  type GeoCommands,
  type GeoCoordinates,
  type GeoMatch,
  type GeoMember,
  type GeoSearchBy,
  type GeoSearchFrom,
  type GeoSearchOptions,
  type GeoStoreOptions,
  type GeoUnit,
  type GeoWith,
  type GetExOptions,
  type HashCommands,
  type HashScanPage,
  type HexpireatOptions,
  type HexpireOptions,
  type HpexpireatOptions,
  type HpexpireOptions,
  type KeyCommands,
  type KeyElement,
  type KeyElements,
  type KeyScanOptions,
  type KeyScanPage,
  type KeyScoredMember,
  type KeyScoredMembers,
  type KeySpec,
  type KeyValuesInput,
  type LcsCommands,
  type LcsIndexes,
  type LcsMatch,
  type ListCommands,
  type ListSide,
  type LposOptions,
  type MemoryStatsReply,
  type MigrateAuth2,
  type MigrateOptions,
  type PendingStreamEntry,
  type PubSubCommands,
  type RangeBound,
  RedisCommands,
  type RedisInteger,
  type RestoreOptions,
  type RoleReply,
  type ScanOptions,
  type ScoredInput,
  type ScoredMember,
  Script,
  type ScriptingCommands,
  type ScriptOptions,
  type ScriptRunner,
  type ServerCommands,
  type ServerTime,
  type SetCommands,
  type SetOptions,
  type SetScanPage,
  type SortCommands,
  type SortedSetCommands,
  type SortedSetQueryCommands,
  type SortedSetScanPage,
  type SortOptions,
  type StreamCommands,
  type StreamEntry,
  type StreamGroupCommands,
  type StreamMessages,
  type StringCommands,
  type Variadic,
  type WaitAofResult,
  type XAddOptions,
  type XAutoClaimResult,
  type XClaimOptions,
  type XInfoRecord,
  type XInfoStream,
  type XPendingEntry,
  type XPendingRangeOptions,
  type XPendingSummary,
  type XReadGroupOptions,
  type XReadOptions,
  type XReadStream,
  type XsetidOptions,
  type XTrimOptions,
  type ZAddOptions,
  type ZintercardOptions,
  type ZRangeByOptions,
  type ZRangeOptions,
  type ZrangebylexLimit,
  type ZrangebylexOptions,
  type ZrevrangebylexLimit,
  type ZrevrangebylexOptions,
  type ZStoreOptions,
} from './commands/index.js';
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
export { ConnectionManager, type ConnectionManagerEvents } from './standalone/connection-manager.js';
export { type CommandTraceContext, commandTracing } from './tracing.js';
export { Multi } from './transaction/multi.js';
export type { BackoffPolicy } from './util/backoff.js';
