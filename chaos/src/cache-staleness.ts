// The client-side cache under faults: keyslot readers serve hot keys through the cache while a writer that is not
// keyslot (dev-cluster's RESP admin client, straight to each key's primary) keeps writing new versions of them,
// during a graceful failover, a resharding, a SIGKILLed primary and every connection cut. For every acknowledged
// write: how long until the first read that sees it (or newer), and whether any read started more than the bound
// after the acknowledgement still returned an older version.
import { performance } from 'node:perf_hooks';
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, type DevClusterNode, startCluster, TcpProxy } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';

export type CachePhase = 'steady' | 'failover' | 'reshard' | 'sigkill' | 'cut';

interface Ack {
  version: number;
  at: number;
  phase: CachePhase;
}
interface Read {
  startedAt: number;
  version: number;
}

export interface PhaseStaleness {
  phase: CachePhase;
  acks: number;
  /** From a write's acknowledgement to the start of the first read that saw it (or a newer version), in ms. */
  freshP50Ms: number;
  freshP99Ms: number;
  freshMaxMs: number;
  /** The latest start, after an acknowledgement, of a read that still returned an older version, in ms. */
  worstStaleReadMs: number;
}

export interface CacheStalenessResult {
  reads: number;
  readErrors: number;
  writes: number;
  writeErrors: number;
  hitRatio: number;
  invalidations: number;
  phases: PhaseStaleness[];
}

export interface CacheStalenessOptions {
  readers: number;
  hotKeys: number;
  /** Load between two faults, and before the first. */
  quietMs: number;
  log?: (line: string) => void;
}

export async function runCacheStaleness(options: CacheStalenessOptions): Promise<CacheStalenessResult> {
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  const proxies = new Map<string, TcpProxy>();
  let conn: ClusterConnection | undefined;
  try {
    for (const node of cluster.nodes) proxies.set(node.address, await TcpProxy.start(node));
    const natMap = Object.fromEntries(
      [...proxies].map(([address, proxy]) => [address, { host: '127.0.0.1', port: proxy.port }]),
    );
    conn = await new ClusterClient(
      [...proxies.values()].map((proxy) => proxy.address),
      { natMap },
    ).getConnection({ cache: {}, topologyCheckIntervalMs: 1_000 });
    return await underFaults(cluster, conn, proxies, options);
  } finally {
    conn?.destroy();
    for (const proxy of proxies.values()) await proxy.close();
    await cluster.stop();
  }
}

async function underFaults(
  cluster: DevCluster,
  conn: ClusterConnection,
  proxies: Map<string, TcpProxy>,
  options: CacheStalenessOptions,
): Promise<CacheStalenessResult> {
  const keys = Array.from({ length: options.hotKeys }, (_, i) => `cached:${i}`);
  const acks = new Map<string, Ack[]>(keys.map((key) => [key, []]));
  const reads = new Map<string, Read[]>(keys.map((key) => [key, []]));
  const versions = new Map<string, number>(keys.map((key) => [key, 0]));
  const counts = { reads: 0, readErrors: 0, writes: 0, writeErrors: 0 };
  let phase: CachePhase = 'steady';
  let running = true;

  const writer = async () => {
    for (let i = 0; running; i++) {
      const key = keys[i % keys.length]!;
      const version = versions.get(key)! + 1;
      versions.set(key, version);
      const owner = cluster.ownerOf(calculateSlot(key));
      try {
        if (owner === undefined) throw new Error('no owner known');
        await cluster.adminWithTimeout(owner, 1_000, 'SET', key, String(version));
        const ackAt = performance.now();
        // Counted once a replica has it too (when the shard has one): a SIGKILL may otherwise lose it, and the
        // cache could not be blamed for the older value then.
        const replicas = cluster.replicasOf(owner).filter((node) => node.state === 'running').length;
        const replicated =
          replicas === 0 ? 1 : Number(await cluster.adminWithTimeout(owner, 1_000, 'WAIT', 1, 500));
        if (replicated >= 1) acks.get(key)!.push({ version, at: ackAt, phase });
        counts.writes++;
      } catch {
        counts.writeErrors++;
        await cluster.refresh().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };

  const reader = async (offset: number) => {
    for (let i = offset; running; i++) {
      const key = keys[(i * 7) % keys.length]!;
      const startedAt = performance.now();
      try {
        const value = await conn.get(key);
        reads.get(key)!.push({ startedAt, version: Number(value ?? 0) });
        counts.reads++;
      } catch {
        counts.readErrors++;
      }
      // A hit settles at once: let timers and sockets run between reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const loops = [writer(), ...Array.from({ length: options.readers }, (_, i) => reader(i))];
  const quiet = () => new Promise((resolve) => setTimeout(resolve, options.quietMs));
  const mark = (next: CachePhase) => {
    phase = next;
    options.log?.(`cache staleness: ${next}`);
  };
  try {
    await quiet();
    // A graceful failover of the first shard.
    mark('failover');
    await cluster.refresh();
    const first = cluster.primaries[0]!;
    await cluster.failover(cluster.replicasOf(first)[0]!);
    await quiet();
    // The slots of the hot keys of one primary move to another.
    mark('reshard');
    await cluster.refresh();
    const [from, to] = [cluster.primaries[1]!, cluster.primaries[2]!];
    const slots = keys.map(calculateSlot).filter((slot) => cluster.ownerOf(slot)?.id === from.id);
    await cluster.moveSlots(slots, to);
    await quiet();
    // A primary SIGKILLed; its replica is promoted by the cluster.
    mark('sigkill');
    await cluster.refresh();
    const victim = cluster.primaries[0]!;
    const heir = cluster.replicasOf(victim)[0]!;
    await cluster.kill(victim);
    await cluster.waitFor(async () => isPrimary(cluster, heir), {
      timeoutMs: 30_000,
      message: `${heir.address} to be promoted`,
    });
    await cluster.refresh();
    await quiet();
    // Every connection of the readers cut at once.
    mark('cut');
    for (const proxy of proxies.values()) proxy.cut();
    await quiet();
  } finally {
    running = false;
    await Promise.all(loops);
  }
  const stats = conn.cache!.stats();
  return {
    ...counts,
    hitRatio: stats.hits / Math.max(1, stats.hits + stats.misses),
    invalidations: stats.invalidations,
    phases: staleness(keys, acks, reads),
  };
}

async function isPrimary(cluster: DevCluster, node: DevClusterNode): Promise<boolean> {
  return String(await cluster.admin(node, 'ROLE').catch(() => '')).startsWith('master');
}

/** Per phase: time to the first fresh read after each acknowledgement, and the worst stale read. */
export function staleness(
  keys: readonly string[],
  acks: ReadonlyMap<string, Ack[]>,
  reads: ReadonlyMap<string, Read[]>,
): PhaseStaleness[] {
  const fresh = new Map<CachePhase, number[]>();
  const worst = new Map<CachePhase, number>();
  for (const key of keys) {
    const keyAcks = acks.get(key)!;
    const keyReads = reads.get(key)!; // in start order: each reader pushes as its reads end, so sort
    keyReads.sort((a, b) => a.startedAt - b.startedAt);
    let first = 0;
    for (const ack of keyAcks) {
      while (first < keyReads.length && keyReads[first]!.startedAt <= ack.at) first++;
      let seenAt: number | undefined;
      for (let r = first; r < keyReads.length; r++) {
        const read = keyReads[r]!;
        if (read.version >= ack.version) {
          seenAt = read.startedAt;
          break;
        }
        worst.set(ack.phase, Math.max(worst.get(ack.phase) ?? 0, read.startedAt - ack.at));
      }
      if (seenAt !== undefined) push(fresh, ack.phase, seenAt - ack.at);
    }
  }
  return [...fresh].map(([phase, delays]) => {
    delays.sort((a, b) => a - b);
    const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
    return {
      phase,
      acks: delays.length,
      freshP50Ms: at(0.5),
      freshP99Ms: at(0.99),
      freshMaxMs: delays[delays.length - 1]!,
      worstStaleReadMs: worst.get(phase) ?? 0,
    };
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
