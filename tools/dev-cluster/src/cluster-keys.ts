// Where keys live, asked of the servers themselves: for tests that check what a client wrote, and where.
import type { DevCluster } from './cluster.js';
import type { DevClusterNode } from './cluster-node.js';

function runningNode(cluster: DevCluster): DevClusterNode {
  const node = cluster.nodes.find((candidate) => candidate.state === 'running');
  if (!node) throw new Error('no node of the cluster is running');
  return node;
}

/** The primary serving `key` (its slot from `CLUSTER KEYSLOT`, its owner as of the last refresh). */
export async function primaryOfKey(cluster: DevCluster, key: string): Promise<DevClusterNode> {
  const slot = Number(await cluster.admin(runningNode(cluster), 'CLUSTER', 'KEYSLOT', key));
  const owner = cluster.ownerOf(slot);
  if (!owner) throw new Error(`no primary serves slot ${slot} (key ${key})`);
  return owner;
}

/** Every key that starts with `prefix` on the running primaries (a raw SCAN per node), sorted. */
export async function keysStartingWith(cluster: DevCluster, prefix: string): Promise<string[]> {
  const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const found: string[] = [];
  for (const node of cluster.primaries.filter((primary) => primary.state === 'running')) {
    let cursor = '0';
    do {
      const [next, keys] = (await cluster.admin(node, 'SCAN', cursor, 'MATCH', match, 'COUNT', 1000)) as [
        string,
        string[],
      ];
      cursor = String(next);
      for (const key of keys) found.push(String(key));
    } while (cursor !== '0');
  }
  return found.sort();
}
