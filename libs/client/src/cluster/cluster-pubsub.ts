import { ConfigError } from '../errors.js';
import {
  type PubSubListener,
  SUBSCRIBE_COMMAND,
  type SubscriptionKind,
  Subscriptions,
  UNSUBSCRIBE_COMMAND,
} from '../pubsub/subscriptions.js';
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

  constructor(private readonly router: ClusterRouter) {
    router.events.on('push', (push: unknown[], address: string) => {
      if (!this.subscriptions.dispatch(push, address)) {
        // A sharded channel whose slot moved is unsubscribed by the server: place it again.
        if (String(push[0]) === 'sunsubscribe' && !this.subscriptions.isEmpty) void this.rebalance();
        else router.config.onPush?.(push);
      }
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
    if (current && primaries.includes(current)) return current;
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
      [...lost].map(([kind, names]) => this.subscribeOn(kind, address, names).catch(() => {})),
    );
  }

  /** After a topology change: move every subscription whose home changed. */
  private async rebalance(): Promise<void> {
    const moves = new Map<SubscriptionKind, string[]>();
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of this.subscriptions.names(kind)) {
        const key = `${kind}:${name}`;
        const placed = this.placement.get(key);
        if (placed !== undefined && placed === this.home(kind, name)) continue;
        this.placement.delete(key);
        moves.set(kind, [...(moves.get(kind) ?? []), name]);
      }
    }
    await Promise.all([...moves].map(([kind, names]) => this.place(kind, names).catch(() => {})));
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
