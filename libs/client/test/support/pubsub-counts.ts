// Counting the subscribers of a channel on every node of a dev cluster, to prove a subscription exists exactly once.
import type { DevCluster } from '@keyslot/dev-cluster';

/** Every node's count of subscribers to a sharded channel (SHARDNUMSUB), or to a channel (NUMSUB). */
export async function subscribersOn(
  cluster: DevCluster,
  channel: string,
  kind: 'SHARDNUMSUB' | 'NUMSUB',
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const node of cluster.nodes) {
    const reply = (await cluster.admin(node, 'PUBSUB', kind, channel)) as unknown[];
    counts.set(node.address, Number(reply[1]));
  }
  return counts;
}

export const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);
