// Helpers of the BullMQ suites: hash tags on chosen nodes, unique queue names, and what the servers say about who is
// connected and blocked.
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';

let queues = 0;

/** A queue name no other test of the run uses. */
export function uniqueQueue(what: string): string {
  queues += 1;
  return `${what}-${process.pid}-${queues}`;
}

/** A hash-tagged BullMQ prefix whose slot is served by `node` (as of the cluster's last refresh). */
export function prefixOn(cluster: DevCluster, node: DevClusterNode, seed = 'bull'): string {
  for (let i = 0; ; i++) {
    const tag = `{${seed}${i}}`;
    if (cluster.ownerOf(calculateSlot(tag))?.id === node.id) return tag;
  }
}

/** The clients a node lists under `name` (CLIENT LIST), with their flags and current command. */
export async function clientsNamed(
  cluster: DevCluster,
  node: DevClusterNode,
  name: string,
): Promise<{ flags: string; cmd: string }[]> {
  const text = String(await cluster.admin(node, 'CLIENT', 'LIST'));
  return text
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => ({
      flags: /\bflags=(\S*)/.exec(line)?.[1] ?? '',
      cmd: /\bcmd=(\S*)/.exec(line)?.[1] ?? '',
    }));
}

/** Resolves after `ms`: for spacing work out in time (never to wait for a result). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
