import type { ServerInfo } from '../connection/server-info.js';
import type { ClusterRouter } from './router.js';

/** One node as `conn.topology()` reports it. */
export interface NodeSnapshot {
  address: string;
  id: string;
  role: 'primary' | 'replica';
  /** For replicas: the primary's address. */
  primary?: string;
  /** Inclusive slot ranges (primaries). */
  slots: [number, number][];
  /** Whether keyslot has an open connection to it now. */
  connected: boolean;
  /** Commands sent to it so far. */
  commands: number;
  /** Commands waiting on it now. */
  pending: number;
  /** Why its last connection attempt failed, if it did. */
  lastError?: string;
  /** What the node said it is (HELLO's `server` and `version`) when its connection was made; not over RESP2. */
  server?: ServerInfo;
}

/** The cluster as known now. */
export interface TopologySnapshot {
  nodes: NodeSnapshot[];
  /** Slots that some primary serves (16384 when the cluster is whole). */
  coveredSlots: number;
}

export function describeTopology(router: ClusterRouter): TopologySnapshot {
  const topology = router.topology;
  if (!topology) return { nodes: [], coveredSlots: 0 };
  const handles = router.nodeHandles();
  const snapshot = (address: string) => {
    const handle = handles.get(address);
    return {
      connected: handle?.isUp ?? false,
      commands: handle?.commandCount ?? 0,
      pending: handle?.pendingCount ?? 0,
      ...(handle?.lastError ? { lastError: handle.lastError.message } : {}),
      ...(handle?.server ? { server: handle.server } : {}),
    };
  };
  const nodes: NodeSnapshot[] = [];
  for (const shard of topology.shards) {
    nodes.push({
      address: shard.primary.address,
      id: shard.primary.id,
      role: 'primary',
      slots: shard.slots,
      ...snapshot(shard.primary.address),
    });
    for (const replica of shard.replicas) {
      nodes.push({
        address: replica.address,
        id: replica.id,
        role: 'replica',
        primary: shard.primary.address,
        slots: [],
        ...snapshot(replica.address),
      });
    }
  }
  return { nodes, coveredSlots: topology.coveredSlots };
}
