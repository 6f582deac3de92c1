import type { Command, RedisArg } from '../command.js';
import { ClusterError, ReplyError } from '../errors.js';
import { backoffDelay } from '../util/backoff.js';
import type { ClusterRouter } from './router.js';
import { SLOT_COUNT } from './topology.js';

/** Filters for `scanIterator`, passed to SCAN on each node. */
export interface ScanIteratorOptions {
  match?: string | undefined;
  count?: number | undefined;
  type?: string | undefined;
}

interface NodeRunner {
  onNode<T>(address: string, command: Command<T>): Promise<T>;
}

/** Most rounds of re-scanning nodes that received slots while the scan ran. */
const MAX_ROUNDS = 5;

/**
 * Visits every key of the cluster exactly once: SCAN on each primary, then SCAN again on any node that received
 * slots while the iteration ran (failover or resharding), with keys already yielded skipped. A node that fails
 * mid-scan does not count as scanned: its slots are scanned again on whoever owns them once the cluster has settled
 * (waiting, within a bound, for slots without an owner to get one). When that cannot be done the iteration throws
 * rather than silently missing keys. Remembering yielded keys costs memory proportional to the number of keys
 * visited. A slot still migrating when the iteration ends may have keys that were missed; finish reshards first.
 */
export async function* scanCluster(
  runner: NodeRunner,
  router: ClusterRouter,
  options: ScanIteratorOptions,
): AsyncIterableIterator<string> {
  if (!router.topology) await router.refresh();
  const seen = new Set<string>();
  /** The node each slot was completely scanned on. */
  const scannedOn: (string | undefined)[] = new Array(SLOT_COUNT);
  let nodes = router.primaries().map((handle) => handle.address);
  for (let round = 0; nodes.length > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw new ClusterError(
        `scanIterator: the cluster kept changing; ${nodes.join(', ')} still had slots to scan after ${MAX_ROUNDS} rounds`,
      );
    }
    for (const address of nodes) {
      const slots = slotsOf(router, address);
      const outcome = { complete: true };
      for await (const key of scanNode(runner, router, address, options, outcome)) {
        if (seen.has(key)) continue;
        seen.add(key);
        yield key;
      }
      if (outcome.complete) for (const slot of slots) scannedOn[slot] = address;
    }
    nodes = await ownersToScan(router, scannedOn);
  }
}

/**
 * Primaries that now own a slot that was not completely scanned on them. Slots without an owner (a failover under
 * way), or whose owner cannot be reached (a dead primary not yet replaced), are waited for, with backoff and a bound;
 * if that does not change, the scan cannot be complete.
 */
async function ownersToScan(router: ClusterRouter, scannedOn: (string | undefined)[]): Promise<string[]> {
  const giveUpAt = Date.now() + Math.max(10_000, 3 * router.config.commandTimeoutMs);
  for (let attempt = 0; ; attempt++) {
    await router.refresh();
    const topology = router.topology;
    const owners = new Set<string>();
    let orphans = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const shard = topology?.shardFor(slot);
      if (!shard) orphans++;
      else if (scannedOn[slot] !== shard.primary.address) owners.add(shard.primary.address);
    }
    const unreachable = [...owners].filter((address) => {
      const handle = router.nodeHandles().get(address);
      return handle !== undefined && !handle.isUp && handle.lastError !== undefined;
    });
    if (orphans === 0 && unreachable.length === 0) return [...owners];
    if (Date.now() >= giveUpAt) {
      const why =
        orphans > 0
          ? `${orphans} hash slots have no node serving them`
          : `${unreachable.join(', ')} cannot be reached`;
      throw new ClusterError(`scanIterator: ${why}, so some keys cannot be visited`);
    }
    await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 2, router.config.backoff)));
  }
}

function slotsOf(router: ClusterRouter, address: string): number[] {
  const slots: number[] = [];
  for (const shard of router.topology?.shards ?? []) {
    if (shard.primary.address !== address) continue;
    for (const [start, end] of shard.slots) for (let slot = start; slot <= end; slot++) slots.push(slot);
  }
  return slots;
}

async function* scanNode(
  runner: NodeRunner,
  router: ClusterRouter,
  address: string,
  options: ScanIteratorOptions,
  outcome: { complete: boolean },
): AsyncIterableIterator<string> {
  const filters: RedisArg[] = [];
  if (options.match !== undefined) filters.push('MATCH', options.match);
  filters.push('COUNT', options.count ?? 1000);
  if (options.type !== undefined) filters.push('TYPE', options.type);
  let cursor = '0';
  let failures = 0;
  do {
    let reply: [string, string[]];
    try {
      reply = await runner.onNode<[string, string[]]>(address, { name: 'SCAN', args: [cursor, ...filters] });
      failures = 0;
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      // The node failed mid-scan. Its slots do not count as scanned: the next round scans them on whoever owns
      // them then (its promoted replica, or itself once back), skipping keys already yielded.
      await router.refresh();
      const stillPrimary = router.primaries().some((handle) => handle.address === address);
      if (!stillPrimary || ++failures > 3) {
        outcome.complete = false;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, router.config.backoff)));
      continue;
    }
    cursor = String(reply[0]);
    for (const key of reply[1]) yield String(key);
  } while (cursor !== '0');
}
