import { ConfigError } from '../errors.js';
import {
  type PubSubListener,
  SUBSCRIBE_COMMAND,
  type SubscriptionKind,
  Subscriptions,
  UNSUBSCRIBE_COMMAND,
} from '../pubsub/subscriptions.js';
import { backoffDelay } from '../util/backoff.js';
import { slotOfKey } from './key-slots.js';
import type { ClusterRouter } from './router.js';

/**
 * Pub/sub over the cluster. Channel and pattern subscriptions live on one node (cluster pub/sub reaches every
 * node); sharded channels live on the primary that owns their slot. Every subscription is restored when its node
 * reconnects, and moved when failover or resharding gives its slot (or node) to another node.
 */
export class ClusterPubSub {
  private readonly subscriptions = new Subscriptions();
  /** `kind:name` → address of the node it is subscribed on. */
  private readonly placement = new Map<string, string>();
  /** `kind:name` of subscriptions that lost their node and wait to be placed again. */
  private readonly unplaced = new Set<string>();
  /** `kind:name` → the node that dropped it: not a home for it until the topology says otherwise. */
  private readonly droppedBy = new Map<string, string>();
  private placeTimer: NodeJS.Timeout | null = null;
  private placeAttempt = 0;

  constructor(private readonly router: ClusterRouter) {
    router.events.on('push', (push: unknown[], address: string) => {
      if (this.subscriptions.dispatch(push, address)) return;
      if (String(push[0]) === 'sunsubscribe') {
        // The server dropped a sharded channel because its slot left the node (failover, resharding).
        this.lost('shard', String(push[1]), address);
        return;
      }
      router.config.onPush?.(push);
    });
    router.events.on('nodeUp', (address: string) => void this.restoreOn(address));
    router.events.on('topologyChange', () => void this.rebalance());
  }

  async subscribe(
    kind: SubscriptionKind,
    names: string | readonly string[],
    listener: PubSubListener,
  ): Promise<void> {
    const added = this.subscriptions.add(kind, toList(names), listener);
    await this.place(kind, added);
  }

  async unsubscribe(
    kind: SubscriptionKind,
    names: string | readonly string[] | undefined,
    listener?: PubSubListener,
  ): Promise<void> {
    const removed = this.subscriptions.remove(
      kind,
      names === undefined ? undefined : toList(names),
      listener,
    );
    const byNode = new Map<string, string[]>();
    for (const name of removed) {
      const key = `${kind}:${name}`;
      const address = this.placement.get(key);
      this.placement.delete(key);
      if (address) byNode.set(address, [...(byNode.get(address) ?? []), name]);
    }
    await Promise.all(
      [...byNode].map(async ([address, group]) => {
        const connection = await this.router.handleFor(address).connect();
        for (const slotGroup of kind === 'shard' ? groupBySlot(group) : [group]) {
          await connection.subscribeCommand(UNSUBSCRIBE_COMMAND[kind], slotGroup);
        }
      }),
    );
  }

  /** Subscribes names on the node each belongs to now. */
  private async place(kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    if (!this.router.topology) await this.router.refresh();
    const byNode = new Map<string, string[]>();
    for (const name of names) {
      const address = this.home(kind, name);
      byNode.set(address, [...(byNode.get(address) ?? []), name]);
    }
    await Promise.all([...byNode].map(([address, group]) => this.subscribeOn(kind, address, group)));
  }

  private async subscribeOn(
    kind: SubscriptionKind,
    address: string,
    names: readonly string[],
  ): Promise<void> {
    const connection = await this.router.handleFor(address).connect();
    if (connection.protocol !== 3) {
      throw new ConfigError(
        'pub/sub on the shared cluster connection needs RESP3: connect with protocol 3 (the default)',
      );
    }
    for (const group of kind === 'shard' ? groupBySlot(names) : [names]) {
      await connection.subscribeCommand(SUBSCRIBE_COMMAND[kind], group);
    }
    for (const name of names) this.placement.set(`${kind}:${name}`, address);
  }

  /** Where a subscription should live now. */
  private home(kind: SubscriptionKind, name: string): string {
    const topology = this.router.topology;
    if (kind === 'shard') {
      const shard = topology?.shardFor(slotOfKey(name));
      if (shard) return shard.primary.address;
    }
    const current = this.placement.get(`${kind}:${name}`);
    const primaries = this.router.primaries().map((handle) => handle.address);
    // Cluster pub/sub reaches every node, replicas included: a subscription stays where it is while its node is part
    // of the cluster. Moving it would need an UNSUBSCRIBE on the old node, or every message would arrive twice.
    if (current && topology?.addresses().includes(current)) return current;
    // Channels and patterns all share one node, so that a message is received once.
    const shared = [...this.placement].find(
      ([key, address]) => !key.startsWith('shard:') && primaries.includes(address),
    );
    return shared?.[1] ?? primaries[0]!;
  }

  /** A node came back with a fresh connection: its subscriptions were lost with the old one. */
  private async restoreOn(address: string): Promise<void> {
    const lost = new Map<SubscriptionKind, string[]>();
    for (const [key, placed] of this.placement) {
      if (placed !== address) continue;
      const [kind, name] = splitKey(key);
      lost.set(kind, [...(lost.get(kind) ?? []), name]);
    }
    await Promise.all(
      [...lost].map(([kind, names]) =>
        this.subscribeOn(kind, address, names).catch(() => this.retryPlacement(kind, names)),
      ),
    );
  }

  /** After a topology change: move every subscription whose home changed. */
  private async rebalance(): Promise<void> {
    const moves = new Map<SubscriptionKind, string[]>();
    const left = new Map<string, Map<SubscriptionKind, string[]>>();
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of this.subscriptions.names(kind)) {
        const key = `${kind}:${name}`;
        const placed = this.placement.get(key);
        if (placed !== undefined && placed === this.home(kind, name)) continue;
        this.placement.delete(key);
        moves.set(kind, [...(moves.get(kind) ?? []), name]);
        if (placed !== undefined) {
          const byKind = left.get(placed) ?? new Map<SubscriptionKind, string[]>();
          byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
          left.set(placed, byKind);
        }
      }
    }
    await Promise.all(
      [...moves].map(([kind, names]) =>
        this.place(kind, names).catch(() => this.retryPlacement(kind, names)),
      ),
    );
    // The old node may still be up (a primary turned replica still receives its shard's messages): leave it, or
    // every message would arrive twice.
    await Promise.all(
      [...left].flatMap(([address, byKind]) =>
        [...byKind].map(([kind, names]) => this.leave(address, kind, names)),
      ),
    );
  }

  /** Best-effort UNSUBSCRIBE of names on a node they were moved away from. */
  private async leave(address: string, kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    const handle = this.router.nodeHandles().get(address);
    if (!handle?.isUp) return; // the connection is gone, and the subscriptions with it
    // Not if something placed them back on this very node meanwhile.
    const stale = names.filter((name) => this.placement.get(`${kind}:${name}`) !== address);
    if (stale.length === 0) return;
    try {
      const connection = await handle.connect();
      for (const group of kind === 'shard' ? groupBySlot(stale) : [stale]) {
        await connection.subscribeCommand(UNSUBSCRIBE_COMMAND[kind], group);
      }
    } catch {
      // The node went away meanwhile: nothing left to leave.
    }
  }

  /** A node dropped one of our subscriptions by itself: place it again on its current home. */
  private lost(kind: SubscriptionKind, name: string, address: string): void {
    const key = `${kind}:${name}`;
    if (this.placement.get(key) !== address) return; // already placed elsewhere
    this.placement.delete(key);
    this.droppedBy.set(key, address);
    this.retryPlacement(kind, [name]);
  }

  /**
   * Places subscriptions that are not on any node now, after a topology refresh, retrying with backoff until each
   * is placed or unsubscribed (a failed attempt must not lose a subscription for good).
   */
  private retryPlacement(kind: SubscriptionKind, names: readonly string[]): void {
    for (const name of names) {
      const key = `${kind}:${name}`;
      if (!this.placement.has(key)) this.unplaced.add(key);
    }
    if (this.placeTimer || this.router.isClosed || this.unplaced.size === 0) return;
    const delay = this.placeAttempt === 0 ? 0 : backoffDelay(this.placeAttempt, this.router.config.backoff);
    this.placeTimer = setTimeout(() => {
      this.placeTimer = null;
      void this.placeUnplaced();
    }, delay);
    this.placeTimer.unref();
  }

  private async placeUnplaced(): Promise<void> {
    if (this.router.isClosed) return;
    // A refresh already under way may have started before the change that dropped the subscription: ask again.
    await this.router.refresh();
    await this.router.refresh();
    const byKind = new Map<SubscriptionKind, string[]>();
    const notYet: [SubscriptionKind, string][] = [];
    for (const key of this.unplaced) {
      const [kind, name] = splitKey(key);
      if (this.placement.has(key) || !this.subscriptions.names(kind).includes(name)) {
        this.droppedBy.delete(key);
        continue;
      }
      // The node that dropped it still looks like its home: the cluster has not told every node yet. Wait a little
      // (a bounded number of times) rather than subscribe again where it is being dropped.
      if (this.droppedBy.get(key) === this.home(kind, name) && this.placeAttempt < 8) {
        notYet.push([kind, name]);
        continue;
      }
      byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
    }
    this.unplaced.clear();
    const failed: [SubscriptionKind, string[]][] = notYet.map(([kind, name]) => [kind, [name]]);
    await Promise.all(
      [...byKind].map(async ([kind, names]) => {
        try {
          await this.place(kind, names);
          for (const name of names) this.droppedBy.delete(`${kind}:${name}`);
        } catch {
          failed.push([kind, names]);
        }
      }),
    );
    this.placeAttempt = failed.length === 0 ? 0 : this.placeAttempt + 1;
    for (const [kind, names] of failed) this.retryPlacement(kind, names);
  }
}

function toList(names: string | readonly string[]): string[] {
  return typeof names === 'string' ? [names] : [...names];
}

function splitKey(key: string): [SubscriptionKind, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon) as SubscriptionKind, key.slice(colon + 1)];
}

/** SSUBSCRIBE takes channels of one slot at a time. */
function groupBySlot(names: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const name of names) {
    const slot = slotOfKey(name);
    groups.set(slot, [...(groups.get(slot) ?? []), name]);
  }
  return [...groups.values()];
}
