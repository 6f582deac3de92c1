import type { Command, RedisArg } from '../command.js';
import { ReplyError } from '../errors.js';
import { backoffDelay } from '../util/backoff.js';
import type { ClusterRouter } from './router.js';
import { SLOT_COUNT } from './topology.js';

/** Filters for `scanIterator`, passed to SCAN on each node. */
export interface ScanOptions {
  match?: string;
  count?: number;
  type?: string;
}

interface NodeRunner {
  onNode<T>(address: string, command: Command<T>): Promise<T>;
}

/** Most rounds of re-scanning nodes that received slots while the scan ran. */
const MAX_ROUNDS = 5;

/**
 * Visits every key of the cluster exactly once: SCAN on each primary, then SCAN again on any node that received
 * slots while the iteration ran (failover or resharding), with keys already yielded skipped. Remembering yielded
 * keys costs memory proportional to the number of keys visited.
 */
export async function* scanCluster(
  runner: NodeRunner,
  router: ClusterRouter,
  options: ScanOptions,
): AsyncIterableIterator<string> {
  if (!router.topology) await router.refresh();
  const seen = new Set<string>();
  /** The node each slot was scanned on. */
  const scannedOn: (string | undefined)[] = new Array(SLOT_COUNT);
  let nodes = router.primaries().map((handle) => handle.address);
  for (let round = 0; round < MAX_ROUNDS && nodes.length > 0; round++) {
    for (const address of nodes) {
      const slots = slotsOf(router, address);
      for await (const key of scanNode(runner, router, address, options)) {
        if (seen.has(key)) continue;
        seen.add(key);
        yield key;
      }
      for (const slot of slots) scannedOn[slot] = address;
    }
    await router.refresh();
    nodes = movedOwners(router, scannedOn);
  }
}

/** Primaries that now own a slot that was scanned on another node (or not at all). */
function movedOwners(router: ClusterRouter, scannedOn: (string | undefined)[]): string[] {
  const topology = router.topology;
  if (!topology) return [];
  const owners = new Set<string>();
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const shard = topology.shardFor(slot);
    if (shard && scannedOn[slot] !== shard.primary.address) owners.add(shard.primary.address);
  }
  return [...owners];
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
  options: ScanOptions,
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
      // The node failed mid-scan: the keys it had are on its promoted replica (or will be once it returns); the
      // next round re-scans whoever owns its slots then, and already yielded keys are skipped.
      if (error instanceof ReplyError || ++failures > 3) {
        if (error instanceof ReplyError) throw error;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, router.config.backoff)));
      continue;
    }
    cursor = String(reply[0]);
    for (const key of reply[1]) yield String(key);
  } while (cursor !== '0');
}
