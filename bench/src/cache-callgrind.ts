/**
 * The client-side cache's own work per read, for counting instructions under callgrind (not a test, not a timing).
 * Run by `bench/src/cache-callgrind.sh`, which compiles it with the cache of a checkout to plain JavaScript.
 *
 * A `ClientCache` over a source that answers in memory (no connection, no encoding): what is counted is the cache's
 * lookup, its bookkeeping of the read on its way, the store of the reply (and the eviction it causes), and each
 * caller's promise, in batches of 100 concurrent reads settled together. Kinds:
 * - `miss-evict`: `maxEntries: 1` over 1,000 keys, every read a miss that stores and evicts (the worst case);
 * - `miss-cold`: every read a first read of its key, into a cache that never evicts (the realistic miss);
 * - `hit`: 1,000 keys in a cache that holds them, every read from memory.
 * Run twice with different `rounds`, the difference of the two instruction totals divided by the difference of the
 * reads leaves out startup, compilation and key building: what remains is the steady cost of one read.
 */
import { ClientCache } from '../../libs/client/src/cache/client-cache.js';

const BATCH = 100;
const HOT = 1_000;
const VALUE = 'v'.repeat(16);

interface AnyReceiver {
  origin?: { lastAddress: string } | undefined;
  resolve?(reply: unknown): void;
  received?(reply: unknown, node: string): void;
}

const ORIGIN = { lastAddress: '127.0.0.1:7000' };
const due: AnyReceiver[] = [];

/** Answers every fetch of the batch (this checkout's receivers settle as a request does; older ones by `received`). */
function answerAll(): void {
  for (const receiver of due) {
    if (receiver.resolve !== undefined) {
      receiver.origin = ORIGIN;
      receiver.resolve(VALUE);
    } else receiver.received!(VALUE, ORIGIN.lastAddress);
  }
  due.length = 0;
}

const [kind = '', roundsArg = '', maxRoundsArg = ''] = process.argv.slice(2);
const rounds = Number(roundsArg);
const maxRounds = Number(maxRoundsArg || roundsArg);
if (!['miss-evict', 'miss-cold', 'hit'].includes(kind) || !Number.isSafeInteger(rounds)) {
  throw new Error(
    'usage: cache-callgrind.js <miss-evict|miss-cold|hit> <rounds> [<rounds of the longest run>]',
  );
}
// Built for the longest run in every run, so that key building cancels out of the difference.
const keys = Array.from(
  { length: kind === 'miss-cold' ? maxRounds * BATCH + HOT : HOT },
  (_, i) => `key:${i}`,
);
const cache = new ClientCache(
  { maxEntries: kind === 'miss-evict' ? 1 : 10_000_000, maxBytes: 2 ** 40, ttlMs: 0 },
  {
    returnBuffers: false,
    slotOf: (key) => (String(key).length * 7919) % 16_384,
    fetch: (_command, _slot, receiver) => {
      due.push(receiver as AnyReceiver);
    },
  },
);

async function batch(round: number): Promise<void> {
  const reads: Promise<unknown>[] = new Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const index = kind === 'miss-cold' ? HOT + round * BATCH + i : (round * BATCH + i) % HOT;
    reads[i] = cache.read({ name: 'GET', args: [keys[index]!], returnBuffers: false })!;
  }
  answerAll();
  for (const read of reads) await read;
}

if (kind === 'hit') for (let i = 0; i < HOT; i += BATCH) await batch(i / BATCH);
for (let round = 0; round < rounds; round++) await batch(round);
const stats = cache.stats();
process.stdout.write(`${JSON.stringify(stats)}\n`);
