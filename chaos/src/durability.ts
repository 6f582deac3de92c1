// WAIT after each acknowledged INCR, for the scenarios that must prove no acknowledged write is lost when a primary
// is SIGKILLed. Replication is asynchronous: a primary may acknowledge a write and die before its replica has it,
// and the promoted replica then never had it. That loss is the servers' and no client can prevent it; what the
// suite must show is that keyslot loses nothing on top. So a write counts as confirmed once `WAIT 1` on the primary
// that acknowledged it says a replica has it: a confirmed write must survive any failover.
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import { slotOf } from './keys.js';
import type { CommandLedger } from './ledger.js';

/** How long a confirmation may take before the caller moves on (the write then stays unconfirmed). */
export const CONFIRM_TIMEOUT_MS = 250;

/** Sends WAIT to one node, on the connection the client's writes to that node went through. */
export type WaitOnNode = (address: string, replicas: number, timeoutMs: number) => Promise<number>;

/**
 * Which primary serves each slot, and whether it has a running replica to confirm a write, as of the last `update()`
 * (call it after every change of the topology). Confirmations are asked only of a running primary with a running
 * replica: a WAIT on a primary without one would block that node's connection for its whole timeout.
 */
export class WriteConfirmer {
  private owners = new Map<number, DevClusterNode>();
  private confirmable = new Set<string>();

  constructor(
    private readonly cluster: DevCluster,
    private readonly waitOn: WaitOnNode,
    /** Where the WAITs are tracked (so that "every promise settled" covers them too). */
    private readonly ledger: CommandLedger,
    /** The address the client knows a node by (a proxy's, behind `natMap`). */
    private readonly addressOf: (node: DevClusterNode) => string = (node) => node.address,
  ) {
    this.rebuild();
  }

  /** Re-reads roles and slots from the cluster. */
  async update(): Promise<void> {
    await this.cluster.refresh();
    this.rebuild();
  }

  /** Stops confirming on `node` at once (it is about to die). */
  forget(node: DevClusterNode): void {
    this.confirmable.delete(node.id);
  }

  /** WAIT on the key's primary: true when a replica has every write made through that connection so far. */
  readonly confirm = (key: string): Promise<boolean> | undefined => {
    const owner = this.owners.get(slotOf(key));
    if (owner === undefined || !this.confirmable.has(owner.id)) return undefined;
    const waited = this.ledger
      .track(this.waitOn(this.addressOf(owner), 1, CONFIRM_TIMEOUT_MS))
      .then((replicas) => replicas >= 1);
    // A caller never waits longer than that for a confirmation (a dead primary's WAIT waits out the deadline).
    return within(waited, CONFIRM_TIMEOUT_MS * 2);
  };

  private rebuild(): void {
    const owners = new Map<number, DevClusterNode>();
    const confirmable = new Set<string>();
    for (const primary of this.cluster.primaries) {
      for (const [start, end] of primary.slots)
        for (let slot = start; slot <= end; slot++) owners.set(slot, primary);
      const replicated = this.cluster.replicasOf(primary).some((replica) => replica.state === 'running');
      if (primary.state === 'running' && replicated) confirmable.add(primary.id);
    }
    this.owners = owners;
    this.confirmable = confirmable;
  }
}

/** `promise`'s value, or false once `ms` have passed (the promise still settles, and is tracked, on its own). */
function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
