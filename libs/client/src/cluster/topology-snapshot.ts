import type { ServerInfo } from '../connection/server-info.js';
import type { ClusterRouter } from './router.js';
import type { NodeHealth } from './topology.js';

/** One node as `conn.topology()` reports it. */
export interface NodeSnapshot {
  address: string;
  id: string;
  role: 'primary' | 'replica';
  /** For replicas: the primary's address. */
  primary?: string | undefined;
  /** Inclusive slot ranges (primaries). */
  slots: [number, number][];
  /**
   * Its health as the cluster sees it (CLUSTER SHARDS `health`, or CLUSTER NODES flags): `online`, `failed`,
   * `loading`, or `unknown`. Independent of this client's connections: a replica nobody read from is `online`.
   */
  health: NodeHealth;
  /**
   * Whether commands are routed to it: true for each slot owner and its online replicas. A failed primary that still
   * holds its slots (no replica promoted yet) stays routed: it is the only node that may serve them, so its commands
   * wait for it (or for the failover) and are retried. False for a replica that is not online, a failed primary
   * another one has replaced, and a primary without slots.
   */
  routed: boolean;
  /**
   * Whether keyslot has an open connection to it now. Connections are opened when needed: false for a node this
   * client never needed; `lastError` says whether an attempt failed.
   */
  connected: boolean;
  /** Commands sent to it so far. */
  commands: number;
  /** Commands waiting on it now. */
  pending: number;
  /** Why its last connection attempt failed, if it did. */
  lastError?: string | undefined;
  /** What the node said it is (HELLO's `server` and `version`) when its connection was made; not over RESP2. */
  server?: ServerInfo | undefined;
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
      health: shard.primary.health,
      routed: true,
      ...snapshot(shard.primary.address),
    });
    for (const replica of shard.replicas) {
      nodes.push({
        address: replica.address,
        id: replica.id,
        role: 'replica',
        primary: shard.primary.address,
        slots: [],
        health: replica.health,
        routed: true,
        ...snapshot(replica.address),
      });
    }
  }
  for (const node of topology.unrouted) {
    nodes.push({
      address: node.address,
      id: node.id,
      role: node.role,
      ...(node.primary ? { primary: node.primary } : {}),
      slots: [],
      health: node.health,
      routed: false,
      ...snapshot(node.address),
    });
  }
  return { nodes, coveredSlots: topology.coveredSlots };
}
