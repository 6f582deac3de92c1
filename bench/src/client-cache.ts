/**
 * The client-side cache against the uncached path, in one run on one local cluster (3 primaries, no replicas):
 *
 *   node --conditions=@keyslot/source --import tsx bench/src/client-cache.ts [--rounds 3] [--duration 3000]
 *     [--cases uncached,miss] [--base <dir>] [--client <dir>] [--io] [--profile <dir>]
 *
 * 100 concurrent callers each reading GET (16-byte values) in every case; in the cases that read in turn, each
 * caller reads keys of its own, so that no miss is shared between callers:
 * - `uncached`: a ClusterConnection without a cache, over a hot set of 1,000 keys;
 * - `tracking`: a connection with a cache, every read sent past it (`conn.uncached`): what `CLIENT TRACKING` itself
 *   costs (the server remembering each key read, the RESP3 push channel), with no cache work on the client;
 * - `hit`: a connection with a cache, warmed first, so every read is served from memory;
 * - `miss`: a connection with a cache of one entry, so (nearly) every read misses, is fetched and stored, and
 *   evicts the previous one: the cost the cache adds to a read it cannot serve (its worst case);
 * - `working-set`: 10,000 keys read in a random order through a cache of 1,000 entries (about 10% hits): a
 *   miss-heavy load where entries are stored, looked up and evicted as in a cache too small for its data;
 * - `uncached-10k`: the same 10,000 keys in the same random order without a cache, to compare `working-set` with.
 * - `cold-miss`: the realistic miss: a key space of 1,000,000 keys, more than a run reads, each caller going on
 *   through keys of its own that no load of the child has read yet, into a cache large enough never to evict
 *   (`maxEntries` and `maxBytes` above what a run stores): every read is a first read, fetched and stored;
 * - `uncached-cold`: the same cold keys in the same order without a cache, to compare `cold-miss` with (the server
 *   reads keys spread over a large keyspace rather than 1,000 hot ones).
 * With `--base <dir>` (a checkout of another commit's `libs/client/src`, e.g. `git archive main libs/client/src`
 * unpacked inside this repository so its dependencies resolve), a case `base-uncached` runs that commit's
 * client without a cache: the uncached path before and after, in the same run. With `--client <dir>`, every case
 * runs that checkout's client instead of this one (the cache before a change, measured with this bench).
 * Each run of a case is a child process of its own (no JIT state or heap shared between cases); each case runs in
 * rounds, in rotating order; the medians over rounds are printed as a Markdown table with ops/s,
 * client CPU per read (process user + system) and the ratios against `uncached` of the same run.
 * `--io` counts socket writes and reads (data events) per GET in each child (a small cost on every case alike);
 * `--profile <dir>` runs every child under `--cpu-prof` into that directory (for `profile-summary.ts`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { startCluster } from '@keyslot/dev-cluster';

const CALLERS = 100;
const HOT_KEYS = 1_000;
const WORKING_SET = 10_000;
/** More keys than a child of `cold-miss` reads (about 500,000 at 100,000 reads/s for 3.5 s of loads). */
const COLD_KEYS = 1_000_000;
const VALUE = 'v'.repeat(16);

interface Figures {
  opsPerSec: number;
  cpuUsPerRead: number;
  hitRatio: number;
  /** With `--io`: socket writes and data events per read (all node connections of the child). */
  writesPerRead?: number;
  chunksPerRead?: number;
  /** process.hrtime of the measured window in µs, to cut a `--profile` to it (`profile-summary.ts --from --to`). */
  windowUs?: [number, number];
}

type CaseName =
  | 'uncached'
  | 'tracking'
  | 'hit'
  | 'miss'
  | 'working-set'
  | 'uncached-10k'
  | 'cold-miss'
  | 'uncached-cold'
  | 'base-uncached';
type Connect = (seeds: string[], config: object) => Promise<ClusterConnection>;

interface CaseSpec {
  /** The connection's cache option; undefined for none. */
  cache: { maxEntries: number; maxBytes?: number } | undefined;
  keys: number;
  /** Read through `conn.uncached` (tracking on, cache passed over). */
  pastTheCache: boolean;
  /** A random order over the keys (an LRU over a cyclic scan larger than it would never hit). */
  random: boolean;
  /** Each caller goes on through keys it has not read yet, from one load to the next (a key is read once). */
  cold: boolean;
}

const CASE_SPECS: Record<CaseName, CaseSpec> = {
  uncached: { cache: undefined, keys: HOT_KEYS, pastTheCache: false, random: false, cold: false },
  tracking: { cache: { maxEntries: 1 }, keys: HOT_KEYS, pastTheCache: true, random: false, cold: false },
  hit: {
    cache: { maxEntries: HOT_KEYS * 2 },
    keys: HOT_KEYS,
    pastTheCache: false,
    random: false,
    cold: false,
  },
  miss: { cache: { maxEntries: 1 }, keys: HOT_KEYS, pastTheCache: false, random: false, cold: false },
  'working-set': {
    cache: { maxEntries: WORKING_SET / 10 },
    keys: WORKING_SET,
    pastTheCache: false,
    random: true,
    cold: false,
  },
  'uncached-10k': { cache: undefined, keys: WORKING_SET, pastTheCache: false, random: true, cold: false },
  'cold-miss': {
    cache: { maxEntries: COLD_KEYS, maxBytes: 2 ** 31 },
    keys: COLD_KEYS,
    pastTheCache: false,
    random: false,
    cold: true,
  },
  'uncached-cold': { cache: undefined, keys: COLD_KEYS, pastTheCache: false, random: false, cold: true },
  'base-uncached': { cache: undefined, keys: HOT_KEYS, pastTheCache: false, random: false, cold: false },
};
const DEFAULT_CASES: CaseName[] = ['uncached', 'tracking', 'hit', 'miss', 'working-set', 'uncached-10k'];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

function textOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

/** Counts socket writes and data events of every socket in this process (bench only: `--io`). */
function countSocketIo(): { writes: number; chunks: number } {
  const counts = { writes: 0, chunks: 0 };
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
    counts.writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  const emit = Socket.prototype.emit;
  Socket.prototype.emit = function (this: Socket, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') counts.chunks++;
    return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof emit;
  return counts;
}

/** 100 callers reading the keys until `durationMs` has passed (checked per read: hits never yield to timers). */
async function readLoad(
  conn: ClusterConnection,
  spec: CaseSpec,
  keys: string[],
  durationMs: number,
  io: { writes: number; chunks: number } | undefined,
  /** Per caller, the next read of a `cold` case (carried from one load to the next). */
  next: number[],
): Promise<Figures> {
  let reads = 0;
  const hitsBefore = conn.cache?.stats().hits ?? 0;
  const writesBefore = io?.writes ?? 0;
  const chunksBefore = io?.chunks ?? 0;
  const reader = spec.pastTheCache ? conn.uncached : conn;
  const windowStart = hrtimeUs();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, caller) => {
      // xorshift32 per caller: a cheap random order, the same in every run.
      let state = caller * 7919 + 1;
      // In turn, each caller over keys of its own (caller, caller + 100, ...): two callers never read one key at
      // once, so no miss is shared with another caller's (callers that met on a key would stay in step for good,
      // and one request would serve several reads: a miss case faster than the uncached one).
      const own = Math.floor(keys.length / CALLERS);
      for (let i = spec.cold ? next[caller]! : 0; performance.now() < end; i++) {
        // A cold case starts past the keys the warm-up read, and goes on where the last load stopped.
        if (spec.cold) next[caller] = i + 1;
        let index = (spec.cold ? HOT_KEYS : 0) + caller + CALLERS * (i % own);
        if (spec.random) {
          state ^= state << 13;
          state ^= state >>> 17;
          state ^= state << 5;
          index = state >>> 0;
        }
        await reader.get(keys[index % keys.length]!);
        reads++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = performance.now() - start;
  const hits = (conn.cache?.stats().hits ?? 0) - hitsBefore;
  const figures: Figures = {
    opsPerSec: (reads / elapsedMs) * 1000,
    cpuUsPerRead: (cpu.user + cpu.system) / reads,
    hitRatio: hits / reads,
    windowUs: [windowStart, hrtimeUs()],
  };
  if (io !== undefined) {
    figures.writesPerRead = (io.writes - writesBefore) / reads;
    figures.chunksPerRead = (io.chunks - chunksBefore) / reads;
  }
  return figures;
}

async function runCase(
  spec: CaseSpec,
  connect: Connect,
  seeds: string[],
  durationMs: number,
  io: { writes: number; chunks: number } | undefined,
): Promise<Figures> {
  const keys = keyNames(spec.keys);
  const conn = await connect(seeds, spec.cache ? { cache: spec.cache } : {});
  const next = new Array<number>(CALLERS).fill(0);
  try {
    // Warm-up: every hot key once (fills the cache for `hit`), then a short load.
    for (const key of keys.slice(0, HOT_KEYS)) await conn.get(key);
    await readLoad(conn, spec, keys, Math.min(500, durationMs / 4), io, next);
    return await readLoad(conn, spec, keys, durationMs, io, next);
  } finally {
    conn.destroy();
  }
}

function hrtimeUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function keyNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `hot:${i}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** In a child: one run of one case, its figures as JSON on stdout. */
async function child(): Promise<void> {
  const name = textOption('child') as CaseName;
  const seeds = textOption('seeds')!.split(',');
  const io = process.argv.includes('--io') ? countSocketIo() : undefined;
  let connect: Connect = (nodes, config) => new ClusterClient(nodes).getConnection(config);
  const other = name === 'base-uncached' ? textOption('base') : textOption('client');
  if (other !== undefined) {
    const base = (await import(`${other}/index.ts`)) as { ClusterClient: typeof ClusterClient };
    connect = (nodes, config) => new base.ClusterClient(nodes).getConnection(config);
  }
  const figures = await runCase(CASE_SPECS[name], connect, seeds, option('duration', 3000), io);
  process.stdout.write(JSON.stringify(figures));
}

function ratio(value: number | undefined): string {
  return value === undefined ? '' : ` ${value.toFixed(3)} |`;
}

async function main(): Promise<void> {
  const rounds = option('rounds', 3);
  const durationMs = option('duration', 3000);
  const base = textOption('base');
  const client = textOption('client');
  const profileDir = textOption('profile');
  const io = process.argv.includes('--io');
  const CASES = (textOption('cases')?.split(',') as CaseName[] | undefined) ?? [...DEFAULT_CASES];
  for (const name of CASES) if (!(name in CASE_SPECS)) throw new Error(`no case ${name}`);
  if (base !== undefined && !CASES.includes('base-uncached')) CASES.push('base-uncached');
  if (!CASES.includes('uncached')) CASES.unshift('uncached');
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  try {
    const seeds = cluster.seeds;
    const writer = await new ClusterClient(seeds).getConnection();
    const keyCount = CASES.some((name) => CASE_SPECS[name].cold) ? COLD_KEYS : WORKING_SET;
    const names = keyNames(keyCount);
    for (let from = 0; from < keyCount; from += 10_000) {
      await Promise.all(names.slice(from, from + 10_000).map((key) => writer.set(key, VALUE)));
    }
    writer.destroy();
    const runs = new Map<CaseName, Figures[]>(CASES.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let n = 0; n < CASES.length; n++) {
        const name = CASES[(round + n) % CASES.length]!;
        const args = [...process.execArgv];
        if (profileDir !== undefined) {
          args.push(
            '--cpu-prof',
            '--cpu-prof-dir',
            profileDir,
            '--cpu-prof-name',
            `${name}-${round + 1}.cpuprofile`,
          );
        }
        args.push(process.argv[1]!, '--child', name, '--seeds', seeds.join(','));
        args.push('--duration', String(durationMs));
        if (base !== undefined) args.push('--base', base);
        if (client !== undefined) args.push('--client', client);
        if (io) args.push('--io');
        const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
        const figures = JSON.parse(stdout) as Figures;
        runs.get(name)!.push(figures);
        console.error(`round ${round + 1} ${name}: ${JSON.stringify(figures)}`);
      }
    }
    const summary = new Map(
      CASES.map((name) => {
        const list = runs.get(name)!;
        const medianOf = (pick: (f: Figures) => number | undefined) =>
          io ? median(list.map((f) => pick(f) ?? 0)) : undefined;
        return [
          name,
          {
            opsPerSec: median(list.map((f) => f.opsPerSec)),
            cpuUsPerRead: median(list.map((f) => f.cpuUsPerRead)),
            hitRatio: median(list.map((f) => f.hitRatio)),
            writesPerRead: medianOf((f) => f.writesPerRead),
            chunksPerRead: medianOf((f) => f.chunksPerRead),
          },
        ];
      }),
    );
    const uncached = summary.get('uncached')!;
    const ioHead = io ? ' writes/read | data events/read |' : '';
    const ioRule = io ? ' ---: | ---: |' : '';
    console.log(
      `| case | reads/s | client CPU µs/read | hit ratio | reads/s vs uncached | CPU/read vs uncached |${ioHead}`,
    );
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: |${ioRule}`);
    for (const [name, f] of summary) {
      console.log(
        `| ${name} | ${Math.round(f.opsPerSec).toLocaleString('en')} | ${f.cpuUsPerRead.toFixed(2)} | ${(f.hitRatio * 100).toFixed(1)}% | ${(f.opsPerSec / uncached.opsPerSec).toFixed(2)}× | ${(f.cpuUsPerRead / uncached.cpuUsPerRead).toFixed(3)}× |${ratio(f.writesPerRead)}${ratio(f.chunksPerRead)}`,
      );
    }
    console.log(`\n${rounds} rounds × ${durationMs} ms, ${CALLERS} callers; medians.`);
  } finally {
    await cluster.stop();
  }
}

await (process.argv.includes('--child') ? child() : main());
