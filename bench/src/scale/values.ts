// Issue 23, values: SET and GET of 16 B to 1 MB values, in bytes per second, for keyslot and the peers against
// `redis-benchmark --cluster` with the same value size and commands in flight on the same cluster in the same run;
// what each client allocates per MB moved; and whether 1 MB replies on one primary delay small replies on another.

import type { DevCluster } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';
import type { ClusterAddresses } from '../clients/driver.js';
import { keysForEverySlot } from '../keys.js';
import type { ClientName } from '../names.js';
import { runChild } from '../spawn.js';
import { type RedisBenchmarkResult, runRedisBenchmark } from './redis-benchmark.js';
import type { ScaleContext, ScaleSection, ScaleSectionReport } from './scale-section.js';
import { sectionClients, startSectionCluster } from './section-cluster.js';
import type { IsolationResult, IsolationTask, ThroughputResult, ThroughputTask } from './values-child.js';
import { valuesMarkdown } from './values-report.js';

/** One value size and how deep it is pipelined: redis-benchmark's `-c` × `-P`, the clients' callers. */
export interface ValueSize {
  bytes: number;
  label: string;
  connections: number;
  pipeline: number;
  /** redis-benchmark's `-n`: about 2 s of work on the recorded machine. */
  requests: number;
  /** Distinct keys (redis-benchmark's `-r`, the clients' key set). */
  keyspace: number;
}

export const VALUE_SIZES: readonly ValueSize[] = [
  { bytes: 16, label: '16 B', connections: 6, pipeline: 16, requests: 600_000, keyspace: 1000 },
  { bytes: 1024, label: '1 KB', connections: 6, pipeline: 16, requests: 500_000, keyspace: 1000 },
  { bytes: 16 * 1024, label: '16 KB', connections: 6, pipeline: 16, requests: 120_000, keyspace: 1000 },
  { bytes: 256 * 1024, label: '256 KB', connections: 6, pipeline: 4, requests: 8_000, keyspace: 100 },
  { bytes: 1024 * 1024, label: '1 MB', connections: 6, pipeline: 4, requests: 2_500, keyspace: 30 },
];

/** The isolation run: 16-byte GETs on one primary, alone, then while 1 MB GETs run on another. */
export const ISOLATION = { smallCallers: 10, largeCallers: 4, largeBytes: 1024 * 1024 } as const;

export interface SizeRound {
  round: number;
  size: ValueSize;
  redisBenchmark: RedisBenchmarkResult;
  clients: ThroughputResult[];
}

export interface ValuesFigures {
  cluster: { primaries: number; replicasPerPrimary: number };
  rounds: SizeRound[];
  isolation: IsolationResult[];
  failures: string[];
}

export const valuesSection: ScaleSection = {
  name: 'values',
  async run(context: ScaleContext): Promise<ScaleSectionReport> {
    const { options } = context;
    const clients = sectionClients(options);
    // No replicas: 1 MB SETs would be streamed to them too, on the same two CPUs, for every client alike.
    const { cluster, addresses } = await startSectionCluster(options, 0);
    const figures: ValuesFigures = {
      cluster: { primaries: 3, replicasPerPrimary: 0 },
      rounds: [],
      isolation: [],
      failures: [],
    };
    try {
      const allKeys = keysForEverySlot('value:');
      for (let round = 1; round <= options.rounds; round++) {
        for (const size of isolationOnly() ? [] : VALUE_SIZES) {
          await flushAll(cluster);
          const redisBenchmark = await runRedisBenchmark(addresses.seeds[0]!, {
            valueBytes: size.bytes,
            connections: size.connections,
            pipeline: size.pipeline,
            requests: size.requests,
            keyspace: size.keyspace,
          });
          context.progress(
            `values round ${round} ${size.label}: redis-benchmark SET ${mbps(redisBenchmark.setPerSec * size.bytes)}, GET ${mbps(redisBenchmark.getPerSec * size.bytes)}`,
          );
          const results: ThroughputResult[] = [];
          const keys = spread(allKeys, size.keyspace);
          for (const client of rotate(clients, round + VALUE_SIZES.indexOf(size))) {
            await flushAll(cluster);
            const task: ThroughputTask = {
              kind: 'throughput',
              client,
              cluster: addresses,
              valueBytes: size.bytes,
              inFlight: size.connections * size.pipeline,
              keys,
              warmupMs: options.warmupMs,
              durationMs: options.durationMs,
            };
            try {
              const result = await runChild<ThroughputResult>(
                'scale/values-child.ts',
                task,
                2 * (options.warmupMs + options.durationMs) + 60_000,
                cpuProfileFlags(client, size.label),
              );
              results.push(result);
              context.progress(
                `  ${client.padEnd(16)} SET ${mbps(result.set.bytesPerSec)} GET ${mbps(result.get.bytesPerSec)}  (buffers MB/MB SET ${fixed(result.set.bufferMbPerMb)} GET ${fixed(result.get.bufferMbPerMb)}; heap ${fixed(result.set.heapMbPerMb)} / ${fixed(result.get.heapMbPerMb)}; errors ${result.set.errors + result.get.errors})`,
              );
            } catch (error) {
              figures.failures.push(`round ${round} ${size.label} ${client}: ${(error as Error).message}`);
              context.progress(`  ${client} FAILED: ${(error as Error).message.split('\n')[0]}`);
            }
          }
          figures.rounds.push({ round, size, redisBenchmark, clients: results });
        }
      }
      await flushAll(cluster);
      figures.isolation = await isolationRuns(
        context,
        cluster,
        addresses,
        clients,
        allKeys,
        figures.failures,
      );
    } finally {
      await cluster.stop();
    }
    return { markdown: valuesMarkdown(figures, clients), figures };
  },
};

async function isolationRuns(
  context: ScaleContext,
  cluster: DevCluster,
  addresses: ClusterAddresses,
  clients: ClientName[],
  allKeys: string[],
  failures: string[],
): Promise<IsolationResult[]> {
  const [nodeA, nodeB] = cluster.primaries;
  const on = (address: string, count: number) =>
    allKeys.filter((key) => cluster.ownerOf(calculateSlot(key))?.address === address).slice(0, count);
  const results: IsolationResult[] = [];
  for (const client of clients) {
    const task: IsolationTask = {
      kind: 'isolation',
      client,
      cluster: addresses,
      smallKeys: on(nodeA!.address, 16),
      largeKeys: on(nodeB!.address, 4),
      largeBytes: ISOLATION.largeBytes,
      smallCallers: ISOLATION.smallCallers,
      largeCallers: ISOLATION.largeCallers,
      warmupMs: context.options.warmupMs,
      durationMs: context.options.durationMs,
    };
    try {
      const result = await runChild<IsolationResult>(
        'scale/values-child.ts',
        task,
        2 * (context.options.warmupMs + context.options.durationMs) + 60_000,
      );
      results.push(result);
      context.progress(
        `values isolation ${client.padEnd(16)} small GET p99 alone ${result.alone.p99Ms.toFixed(3)} ms, with 1 MB GETs on another primary ${result.withLarge.p99Ms.toFixed(3)} ms (${mbps(result.withLarge.largeBytesPerSec)})`,
      );
    } catch (error) {
      failures.push(`isolation ${client}: ${(error as Error).message}`);
      context.progress(`values isolation ${client} FAILED: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return results;
}

/** `BENCH_VALUES_ISOLATION_ONLY=1`: skip the throughput runs (and redis-benchmark), for digging into isolation. */
function isolationOnly(): boolean {
  return process.env.BENCH_VALUES_ISOLATION_ONLY === '1';
}

/** `BENCH_VALUES_CPU_PROF=<dir>`: a CPU profile of each throughput child (SET and GET phases both), for digging. */
function cpuProfileFlags(client: ClientName, size: string): string[] {
  const dir = process.env.BENCH_VALUES_CPU_PROF;
  if (!dir) return [];
  return [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--cpu-prof-name',
    `${client}-${size.replace(' ', '')}.cpuprofile`,
  ];
}

/** Empties every primary between runs, so no run pays for the memory the previous one filled. */
async function flushAll(cluster: DevCluster): Promise<void> {
  for (const node of cluster.primaries) await cluster.admin(node, 'FLUSHALL');
}

/** `count` keys spread evenly over the slots (so over every primary). */
function spread(keys: readonly string[], count: number): string[] {
  const step = keys.length / count;
  return Array.from({ length: count }, (_, i) => keys[Math.floor(i * step)]!);
}

/** The clients in another order for each size and round, so none always runs first. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % Math.max(1, items.length);
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function mbps(bytesPerSec: number): string {
  return `${(bytesPerSec / 2 ** 20).toFixed(bytesPerSec < 10 * 2 ** 20 ? 2 : 0)} MB/s`;
}

function fixed(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(2);
}
