/**
 * @keyslot/dev-cluster: real redis-server processes on 127.0.0.1 for tests, the demo and benchmarks.
 *
 * @packageDocumentation
 */
export {
  type DevCluster,
  type FailoverOptions,
  type SettleOptions,
  type StartClusterOptions,
  startCluster,
} from './cluster.js';
export { keysStartingWith, primaryOfKey } from './cluster-keys.js';
export type { DevClusterNode, NodeState } from './cluster-node.js';
export type { NodeRole } from './cluster-topology.js';
export {
  type EnsureRedisServerOptions,
  ensureRedisServer,
  type RedisServerInfo,
} from './ensure-redis-server.js';
export { findFreePort } from './free-port.js';
export { cleanupLeftovers } from './leftovers.js';
export type { LifecycleOptions } from './managed-run.js';
export { RedisReplyError, type RespArg, type RespReply } from './resp-connection.js';
export { RUN_FOLDER_PREFIX } from './run-folder.js';
export { SLOT_COUNT, type SlotRange } from './slot-ranges.js';
export { type DevStandalone, type StartStandaloneOptions, startStandalone } from './standalone.js';
export { type ProxyMode, type ProxyStats, TcpProxy } from './tcp-proxy.js';
export { createTlsFiles, type TlsFiles, type TlsMaterial } from './tls-files.js';
export { type WaitForOptions, WaitForTimeoutError, waitFor } from './wait-for.js';
