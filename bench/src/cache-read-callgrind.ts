/**
 * One case of `cache-read-callgrind-run.ts`, run under callgrind (not a test, not a timing): a real ClusterConnection
 * against a real local cluster, `rounds` batches of 100 concurrent GETs, each caller reading a key of its own. What
 * callgrind counts is the client process's whole work per read (command path, socket, decoder, cache, promises),
 * whatever the machine's load. Compiled to plain JavaScript with the client of a checkout by the runner.
 *
 *   node cache-read-callgrind.js <uncached|hit|miss|cold-miss|floor-miss|floor-cold> <rounds> <seeds,...>
 *
 * Keys `hot:0` .. `hot:999` are the hot set (`uncached`, `hit`, `miss`); `cold-miss` reads `hot:1000` and on, one new
 * key per read, into a cache that never evicts. The runner has SET every key before.
 *
 * The two floor cases are the uncached read plus the least any cache must do on a miss, in a bare `Map` beside the
 * client: look the key up (absent), keep the reply under it, and (`floor-miss`, a cache of one entry like `miss`)
 * drop the entry before; `floor-cold` keeps every reply, like `cold-miss`. No shared requests, no invalidation,
 * no node or slot bookkeeping, no promise of its own: what no design of a cache on the JS heap can go below.
 */
import { ClusterClient } from '../../libs/client/src/index.js';

const BATCH = 100;
const HOT = 1_000;
/** Warm-up rounds (every case): code compiled and the connections' buffers grown before the counted rounds. */
const WARM_ROUNDS = 20;

const CACHES: Record<string, object | undefined> = {
  uncached: undefined,
  hit: { maxEntries: HOT * 2 },
  miss: { maxEntries: 1 },
  'cold-miss': { maxEntries: 10_000_000, maxBytes: 2 ** 31 },
  'floor-miss': undefined,
  'floor-cold': undefined,
};

const [kind = '', roundsArg = '', seedsArg = ''] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!(kind in CACHES) || !Number.isSafeInteger(rounds) || seedsArg === '') {
  throw new Error(
    'usage: cache-read-callgrind.js <uncached|hit|miss|cold-miss|floor-miss|floor-cold> <rounds> <seeds,...>',
  );
}
const cache = CACHES[kind];
const conn = await new ClusterClient(seedsArg.split(',')).getConnection(cache ? { cache } : {});
let next = 0;
/** The floor cases' bare cache: the key of each read to its reply. */
const floor = kind.startsWith('floor-') ? new Map<string, unknown>() : undefined;
let floorNewest: string | undefined;

/** The key of one read: the hot set in turn, or (cold) a key no read of this run has read before. */
function keyOf(round: number, caller: number): string {
  if (kind === 'cold-miss' || kind === 'floor-cold') return `hot:${HOT + next++}`;
  return `hot:${(round * BATCH + caller) % HOT}`;
}

async function batch(round: number): Promise<void> {
  if (floor !== undefined) return floorBatch(floor, round);
  const reads: Promise<unknown>[] = new Array(BATCH);
  for (let caller = 0; caller < BATCH; caller++) reads[caller] = conn.get(keyOf(round, caller));
  for (const read of reads) await read;
}

/** A batch of uncached reads, each looked up in the bare cache before it is sent and kept there once answered. */
async function floorBatch(cached: Map<string, unknown>, round: number): Promise<void> {
  const keys: string[] = new Array(BATCH);
  const reads: Promise<unknown>[] = new Array(BATCH);
  for (let caller = 0; caller < BATCH; caller++) {
    const key = keyOf(round, caller);
    if (cached.get(key) !== undefined) throw new Error(`a floor read hit ${key}: every read must miss`);
    keys[caller] = key;
    reads[caller] = conn.get(key);
  }
  for (let caller = 0; caller < BATCH; caller++) {
    const key = keys[caller]!;
    cached.set(key, await reads[caller]);
    if (kind === 'floor-miss' && floorNewest !== undefined) cached.delete(floorNewest);
    floorNewest = key;
  }
}

if (kind === 'hit') for (let i = 0; i < HOT; i += BATCH) await batch(i / BATCH);
for (let round = 0; round < WARM_ROUNDS; round++) await batch(round);
for (let round = 0; round < rounds; round++) await batch(round);
const stats = conn.cache?.stats();
conn.destroy();
process.stdout.write(`${JSON.stringify(stats ?? {})}\n`);
