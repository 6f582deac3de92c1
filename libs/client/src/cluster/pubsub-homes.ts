// Where a cluster subscription gets its messages, by one view of the topology. Redis sends a sharded channel's
// messages to every node of the shard that serves its slot (primary and replicas), and channel and pattern messages
// to every node of the cluster, over the cluster bus.
import type { SubscriptionKind } from '../pubsub/subscriptions.js';
import { slotOfKey } from './key-slots.js';
import type { Topology } from './topology.js';

/** The nodes of the shard serving a sharded channel's slot, its primary first; empty when this view has no owner. */
export function shardNodes(topology: Topology, channel: string): string[] {
  const shard = topology.shardFor(slotOfKey(channel));
  if (shard === undefined) return [];
  const primary = shard.primary.address;
  const unroutedReplicas = topology.unrouted.filter(
    (node) => node.role === 'replica' && node.primary === primary && node.health !== 'failed',
  );
  return [
    primary,
    ...shard.replicas.map((node) => node.address),
    ...unroutedReplicas.map((node) => node.address),
  ];
}

/**
 * False when this view says a subscription on `address` no longer gets its messages: a sharded channel whose slot
 * is served by a shard `address` is not part of, a channel or pattern on a node the view does not list or lists as
 * failed. A slot without an owner in the view says nothing yet.
 */
export function reachesSubscriber(
  topology: Topology,
  kind: SubscriptionKind,
  name: string,
  address: string,
): boolean {
  if (kind === 'shard') {
    const nodes = shardNodes(topology, name);
    return nodes.length === 0 || nodes.includes(address);
  }
  if (topology.addresses().includes(address)) return true;
  return topology.unrouted.some((node) => node.address === address && node.health !== 'failed');
}
