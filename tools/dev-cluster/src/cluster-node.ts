// One node of a dev cluster: its process and what the cluster last said about it.

import type { NodeRole } from './cluster-topology.js';
import { LOOPBACK_HOST } from './free-port.js';
import type { RedisProcess } from './redis-process.js';
import type { SlotRange } from './slot-ranges.js';

/** Whether a node's process runs, is stopped with SIGSTOP (`pause`), or is gone (`kill`/`stop`). */
export type NodeState = 'running' | 'paused' | 'stopped';

/** One node of a {@link DevCluster}. Roles and slots are as of the last `refresh()` (methods refresh). */
export interface DevClusterNode {
  /** Cluster node id. */
  readonly id: string;
  readonly host: string;
  /** Client port (the TLS port in a TLS cluster); the cluster bus is port + 10000. */
  readonly port: number;
  /** `127.0.0.1:port`. */
  readonly address: string;
  readonly role: NodeRole;
  /** The primary's node id, for replicas. */
  readonly primaryId: string | undefined;
  /** Slot ranges served, for primaries. */
  readonly slots: readonly SlotRange[];
  /** Pid of the current redis-server process (changes on restart). */
  readonly pid: number;
  readonly state: NodeState;
  /** Node folder: redis.conf, nodes.conf, redis.log. */
  readonly dir: string;
}

/** @internal The mutable record behind a {@link DevClusterNode}. */
export class ClusterNode implements DevClusterNode {
  id = '';
  role: NodeRole = 'primary';
  primaryId: string | undefined;
  slots: SlotRange[] = [];
  paused = false;

  constructor(
    readonly port: number,
    readonly dir: string,
    readonly configFile: string,
    public process: RedisProcess,
  ) {}

  get host(): string {
    return LOOPBACK_HOST;
  }

  get address(): string {
    return `${LOOPBACK_HOST}:${this.port}`;
  }

  get pid(): number {
    return this.process.pid;
  }

  get state(): NodeState {
    if (!this.process.running) return 'stopped';
    return this.paused ? 'paused' : 'running';
  }

  toJSON() {
    const { id, address, role, primaryId, slots, pid, state } = this;
    return { id, address, role, primaryId, slots, pid, state };
  }
}
