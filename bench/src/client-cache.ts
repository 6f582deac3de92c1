/**
 * The client-side cache against the uncached path, in one run on one local cluster (3 primaries, no replicas):
 *
 *   node --conditions=@keyslot/source --import tsx bench/src/client-cache.ts [--rounds 3] [--duration 3000]
 *
 * Three cases, 100 concurrent callers each reading GET over a hot set of 1,000 keys (16-byte values):
 * - `uncached`: a ClusterConnection without a cache;
 * - `hit`: a connection with a cache, warmed first, so every read is served from memory;
 * - `miss`: a connection with a cache of one entry, so (nearly) every read misses, is fetched and stored, and
 *   evicts the previous one: the cost the cache adds to a read it cannot serve.
 * With `--base <dir>` (a checkout of another commit's `libs/client/src`, e.g. `git archive main libs/client/src`
 * unpacked inside this repository so its dependencies resolve), a fourth case `base-uncached` runs that commit's
 * client without a cache: the uncached path before and after, in the same run.
 * Each run of a case is a child process of its own (no JIT state or heap shared between cases); each case runs in
 * rounds, in rotating order; the medians over rounds are printed as a Markdown table with ops/s,
 * client CPU per read (process user + system) and the ratios against `uncached` of the same run.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { startCluster } from '@keyslot/dev-cluster';

const CALLERS = 100;
const HOT_KEYS = 1_000;
const VALUE = 'v'.repeat(16);

interface Figures {
  opsPerSec: number;
  cpuUsPerRead: number;
  hitRatio: number;
}

type CaseName = 'uncached' | 'hit' | 'miss' | 'base-uncached';
type Connect = (seeds: string[], config: object) => Promise<ClusterConnection>;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

/** 100 callers reading the hot keys until `durationMs` has passed (checked per read: hits never yield to timers). */
async function readLoad(conn: ClusterConnection, keys: string[], durationMs: number): Promise<Figures> {
  let reads = 0;
  const hitsBefore = conn.cache?.stats().hits ?? 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      for (let i = caller * 7; performance.now() < end; i++) {
        await conn.get(keys[i % keys.length]!);
        reads++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = performance.now() - start;
  const hits = (conn.cache?.stats().hits ?? 0) - hitsBefore;
  return {
    opsPerSec: (reads / elapsedMs) * 1000,
    cpuUsPerRead: (cpu.user + cpu.system) / reads,
    hitRatio: hits / reads,
  };
}

async function runCase(
  name: CaseName,
  connect: Connect,
  seeds: string[],
  keys: string[],
  durationMs: number,
): Promise<Figures> {
  const cache =
    name === 'hit' ? { maxEntries: HOT_KEYS * 2 } : name === 'miss' ? { maxEntries: 1 } : undefined;
  const conn = await connect(seeds, cache ? { cache } : {});
  try {
    // Warm-up: every key once (fills the cache for `hit`), then a short load.
    for (const key of keys) await conn.get(key);
    await readLoad(conn, keys, Math.min(500, durationMs / 4));
    return await readLoad(conn, keys, durationMs);
  } finally {
    conn.destroy();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** In a child: one run of one case, its figures as JSON on stdout. */
async function child(): Promise<void> {
  const name = process.argv[process.argv.indexOf('--child') + 1] as CaseName;
  const seeds = process.argv[process.argv.indexOf('--seeds') + 1]!.split(',');
  const baseIndex = process.argv.indexOf('--base');
  let connect: Connect = (nodes, config) => new ClusterClient(nodes).getConnection(config);
  if (name === 'base-uncached') {
    const base = (await import(`${process.argv[baseIndex + 1]}/index.ts`)) as {
      ClusterClient: typeof ClusterClient;
    };
    connect = (nodes, config) => new base.ClusterClient(nodes).getConnection(config);
  }
  const keys = Array.from({ length: HOT_KEYS }, (_, i) => `hot:${i}`);
  const figures = await runCase(name, connect, seeds, keys, option('duration', 3000));
  process.stdout.write(JSON.stringify(figures));
}

async function main(): Promise<void> {
  const rounds = option('rounds', 3);
  const durationMs = option('duration', 3000);
  const baseIndex = process.argv.indexOf('--base');
  const CASES: CaseName[] = ['uncached', 'hit', 'miss'];
  if (baseIndex >= 0) CASES.push('base-uncached');
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  try {
    const seeds = cluster.seeds;
    const keys = Array.from({ length: HOT_KEYS }, (_, i) => `hot:${i}`);
    const writer = await new ClusterClient(seeds).getConnection();
    await Promise.all(keys.map((key) => writer.set(key, VALUE)));
    writer.destroy();
    const runs = new Map<CaseName, Figures[]>(CASES.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let n = 0; n < CASES.length; n++) {
        const name = CASES[(round + n) % CASES.length]!;
        const args = [...process.execArgv, process.argv[1]!, '--child', name, '--seeds', seeds.join(',')];
        args.push('--duration', String(durationMs));
        if (baseIndex >= 0) args.push('--base', process.argv[baseIndex + 1]!);
        const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
        const figures = JSON.parse(stdout) as Figures;
        runs.get(name)!.push(figures);
        console.error(`round ${round + 1} ${name}: ${JSON.stringify(figures)}`);
      }
    }
    const summary = new Map(
      CASES.map((name) => {
        const list = runs.get(name)!;
        return [
          name,
          {
            opsPerSec: median(list.map((f) => f.opsPerSec)),
            cpuUsPerRead: median(list.map((f) => f.cpuUsPerRead)),
            hitRatio: median(list.map((f) => f.hitRatio)),
          },
        ];
      }),
    );
    const base = summary.get('uncached')!;
    console.log(
      `| case | reads/s | client CPU µs/read | hit ratio | reads/s vs uncached | CPU/read vs uncached |`,
    );
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
    for (const [name, f] of summary) {
      console.log(
        `| ${name} | ${Math.round(f.opsPerSec).toLocaleString('en')} | ${f.cpuUsPerRead.toFixed(2)} | ${(f.hitRatio * 100).toFixed(1)}% | ${(f.opsPerSec / base.opsPerSec).toFixed(2)}× | ${(f.cpuUsPerRead / base.cpuUsPerRead).toFixed(3)}× |`,
      );
    }
    console.log(`\n${rounds} rounds × ${durationMs} ms, ${CALLERS} callers, ${HOT_KEYS} hot keys; medians.`);
  } finally {
    await cluster.stop();
  }
}

await (process.argv.includes('--child') ? child() : main());
