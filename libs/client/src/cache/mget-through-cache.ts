import type { Command } from '../command.js';
import { publishCacheLookup } from '../diagnostics-events.js';
import { CacheEntry, type FetchOrigin, type FetchReceiver, PENDING } from './cache-entry.js';
import { keyText } from './cacheable-commands.js';
import type { ClientCache } from './client-cache.js';
import { copyReply, settled } from './reply-values.js';

/**
 * MGET per key: hits from memory (GET's entries), misses fetched with one MGET per slot and cached as GET. Not
 * through the cache (undefined): MGET without keys, which the server refuses, and a key starting with NUL, whose
 * GET entry has the long form (see `argsKeyOf`). A key whose GET is on its way is fetched again here: an MGET's
 * null may be a missing key or a key of another type, which a GET's caller must not be given.
 */
export function readMget(
  cache: ClientCache,
  command: Command<unknown>,
  buffers: boolean,
): Promise<unknown> | undefined {
  const args = command.args;
  if (args.length === 0) return undefined;
  const keys: string[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const key = keyText(args[i]!);
    if (key === undefined || key.charCodeAt(0) === 0) return undefined;
    keys[i] = key;
  }
  const store = cache.store;
  const table = store.table(buffers, 'GET');
  const values: unknown[] = new Array(args.length);
  const missing = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const entry = store.lookup(table, keys[i]!);
    if (entry !== undefined && entry.state !== PENDING) {
      store.counters.hits++;
      publishCacheLookup(true, 'MGET');
      values[i] = copyReply(entry.reply);
      continue;
    }
    store.counters.misses++;
    publishCacheLookup(false, 'MGET');
    const slot = cache.source.slotOf(args[i]!);
    const indexes = missing.get(slot);
    if (indexes === undefined) missing.set(slot, [i]);
    else indexes.push(i);
  }
  if (missing.size === 0) return settled(values, command.transform);
  const parts = [...missing].map(
    ([slot, indexes]) =>
      new Promise<void>((resolve, reject) => {
        const part = new MgetPart(cache, table, slot, indexes, keys, values, resolve, reject);
        // Every key missed, in one slot: the caller's command as it is.
        const fetched =
          indexes.length === args.length
            ? command
            : { name: 'MGET', args: indexes.map((i) => args[i]!), returnBuffers: buffers };
        cache.source.fetch(fetched, slot, part);
      }),
  );
  const all = Promise.all(parts).then(() => values);
  return command.transform === undefined ? all : all.then(command.transform);
}

/** The misses of one MGET that live in one slot, fetched with one MGET; each non-null value is cached as GET. */
class MgetPart implements FetchReceiver {
  origin: FetchOrigin | undefined = undefined;
  private readonly reads: CacheEntry[];

  constructor(
    private readonly cache: ClientCache,
    private readonly table: Map<string, CacheEntry>,
    slot: number,
    private readonly indexes: number[],
    keys: string[],
    private readonly values: unknown[],
    private readonly done: () => void,
    private readonly failed: (error: Error) => void,
  ) {
    // Not in GET's table while on their way (no GET joins an MGET's read), but found by key and slot.
    this.reads = indexes.map((i) => new CacheEntry(cache, undefined, keys[i]!, keys[i]!, slot));
    for (const read of this.reads) cache.store.begin(read);
  }

  resolve(reply: unknown): void {
    const replies = reply as unknown[];
    const node = this.origin?.lastAddress ?? '';
    const store = this.cache.store;
    for (let n = 0; n < this.indexes.length; n++) {
      const value = replies[n];
      const read = this.reads[n]!;
      // A null is a missing key or one of another type (GET would fail on it): not cached as GET.
      if (value !== null && value !== undefined) store.complete(read, value, node, this.table);
      else store.detach(read);
      this.values[this.indexes[n]!] = copyReply(value ?? null);
    }
    this.done();
  }

  reject(error: Error): void {
    for (const read of this.reads) this.cache.store.detach(read);
    this.failed(error);
  }
}
