import { ClusterError, ReplyError } from '../errors.js';
import type { NatMap } from './cluster-options.js';
import type { NodeHandle } from './node-handle.js';
import { type Topology, topologyFromShards, topologyFromSlots, withNodesHealth } from './topology.js';

/** How many nodes are asked for their view at each refresh. */
const VIEWS_PER_REFRESH = 3;

/**
 * Asks several nodes for the slot map (CLUSTER SHARDS, or CLUSTER SLOTS where SHARDS is unknown or hides slots) and
 * picks the view most of them agree on, preferring the one that covers more slots on a tie. Fails with every node's
 * reason.
 */
export async function discoverTopology(
  candidates: readonly NodeHandle[],
  timeoutMs: number,
  natMap: NatMap | undefined,
  onFailure?: (address: string, reason: string) => void,
): Promise<Topology> {
  const asked = candidates.slice(0, Math.max(VIEWS_PER_REFRESH, 1));
  const failures: string[] = [];
  const views: Topology[] = [];
  let next = asked.length;
  await Promise.all(
    asked.map(async (handle) => {
      let current: NodeHandle | undefined = handle;
      while (current) {
        try {
          views.push(await askNode(current, timeoutMs, natMap));
          return;
        } catch (error) {
          failures.push(`${current.address}: ${(error as Error).message}`);
          onFailure?.(current.address, (error as Error).message);
          // Try the next candidate in place of this one, so a few dead nodes do not leave us without a view.
          current = candidates[next++];
        }
      }
    }),
  );
  const usable = views.filter((view) => view.shards.length > 0);
  if (usable.length === 0) {
    throw new ClusterError(
      `could not discover the cluster topology from any node: ${failures.length ? failures.join('; ') : 'every node returned an empty slot map'}`,
    );
  }
  const votes = new Map<string, { view: Topology; count: number }>();
  for (const view of usable) {
    const entry = votes.get(view.fingerprint);
    if (entry) entry.count++;
    else votes.set(view.fingerprint, { view, count: 1 });
  }
  let best: { view: Topology; count: number } | undefined;
  for (const entry of votes.values()) {
    if (
      !best ||
      entry.count > best.count ||
      (entry.count === best.count && entry.view.coveredSlots > best.view.coveredSlots)
    )
      best = entry;
  }
  return best!.view;
}

/** One node's view of the slot map. */
export async function askNode(
  handle: NodeHandle,
  timeoutMs: number,
  natMap: NatMap | undefined,
): Promise<Topology> {
  const host = handle.address.slice(0, handle.address.lastIndexOf(':'));
  try {
    const reply = await handle.exec({ name: 'CLUSTER', args: ['SHARDS'] }, timeoutMs);
    const topology = topologyFromShards(reply, host, natMap);
    if (topology) return topology;
    // A reply that hides a replaced primary's slots (Redis 7.2 to 7.4): CLUSTER SLOTS lists them.
  } catch (error) {
    if (!(error instanceof ReplyError) || !/unknown subcommand|unknown command/i.test(error.message))
      throw error;
  }
  const reply = await handle.exec({ name: 'CLUSTER', args: ['SLOTS'] }, timeoutMs);
  const topology = topologyFromSlots(reply, host, natMap);
  // SLOTS says nothing of health: CLUSTER NODES' flags do. Without them the slot map still routes.
  const nodes = await handle.exec({ name: 'CLUSTER', args: ['NODES'] }, timeoutMs).catch(() => undefined);
  return typeof nodes === 'string' ? withNodesHealth(topology, nodes, host, natMap) : topology;
}
