// Unit tests of the cache's bookkeeping (no server): LRU order and limits, the key/node/slot lists, the entry keys
// of the catalogue, and the reads on their way. The behaviour against real servers is in test/cache-*.test.ts.
import { describe, expect, it } from 'vitest';
import { CacheEntry, type EntryOwner, GONE, PENDING, READY } from '../../../src/cache/cache-entry.js';
import { CacheStore } from '../../../src/cache/cache-store.js';
import { argsKeyOf, keyText } from '../../../src/cache/cacheable-commands.js';

const LIMITS = { maxEntries: 3, maxBytes: 1 << 20, ttlMs: 0 };
const OWNER: EntryOwner = { completed: () => undefined, abandoned: () => undefined };

/** A read on its way of `name` (one argument unless `argsKey` says otherwise), begun in the store. */
function begin(
  store: CacheStore,
  argsKey: string,
  options: { key?: string; slot?: number; buffers?: boolean; name?: string } = {},
): CacheEntry {
  const table = store.table(options.buffers ?? false, options.name ?? 'GET');
  const entry = new CacheEntry(OWNER, table, argsKey, options.key ?? argsKey, options.slot ?? 0);
  store.begin(entry);
  return entry;
}

/** A read begun and completed: a cached entry. */
function put(
  store: CacheStore,
  argsKey: string,
  reply: unknown,
  node: string,
  slot: number,
  options: { key?: string; buffers?: boolean; name?: string } = {},
): CacheEntry {
  const entry = begin(store, argsKey, { ...options, slot });
  store.complete(entry, reply, node);
  return entry;
}

const cached = (store: CacheStore, argsKey: string, name = 'GET', buffers = false) => {
  const entry = store.lookup(store.table(buffers, name), argsKey);
  return entry?.state === READY ? entry.reply : undefined;
};

describe('CacheStore', () => {
  it('evicts the least recently used entry beyond maxEntries; a lookup makes an entry the most recent', () => {
    const store = new CacheStore(LIMITS);
    for (const name of ['a', 'b', 'c']) put(store, name, name, 'n1', 1);
    expect(cached(store, 'a')).toBe('a');
    put(store, 'd', 'd', 'n1', 1);
    expect(cached(store, 'b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((name) => cached(store, name))).toEqual(['a', 'c', 'd']);
    expect(store.counters.evictions).toBe(1);
    expect(store.size).toBe(3);
  });

  it('with maxEntries 1, every store evicts the one before, and the lists hold only the newest', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 1 });
    for (let i = 0; i < 50; i++) put(store, `k${i}`, 'v', 'n1', i % 7);
    expect(store.size).toBe(1);
    expect(store.counters.evictions).toBe(49);
    expect([...store.slots()]).toEqual([49 % 7]);
    store.dropNode('n1');
    expect(store.size).toBe(0);
    expect([...store.slots()]).toEqual([]);
  });

  it('keeps its byte estimate within maxBytes and back to 0 once empty', () => {
    const store = new CacheStore({ maxEntries: 1000, maxBytes: 4_000, ttlMs: 0 });
    for (let i = 0; i < 20; i++) put(store, `k${i}`, 'x'.repeat(500), 'n1', i);
    expect(store.bytes).toBeLessThanOrEqual(4_000);
    expect(store.size).toBeLessThan(20);
    store.clear(false);
    expect(store.bytes).toBe(0);
    expect(store.size).toBe(0);
  });

  it('keeps a hot entry when maxBytes holds far fewer entries than maxEntries (the LRU is not first in, first out)', () => {
    const store = new CacheStore({ maxEntries: 10_000, maxBytes: 6_000, ttlMs: 0 });
    put(store, 'hot', 'h'.repeat(500), 'n1', 1);
    for (let i = 0; i < 200; i++) {
      put(store, `cold${i}`, 'x'.repeat(500), 'n1', i);
      expect(cached(store, 'hot'), `after ${i + 1} other stores`).toBe('h'.repeat(500));
    }
    expect(store.counters.evictions).toBeGreaterThan(150);
  });

  it('drops by key (every command and view of it), by node and by slot, counting invalidations', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    put(store, 'a', '1', 'n1', 10);
    put(store, 'a', Buffer.from('1'), 'n1', 10, { buffers: true });
    put(store, 'b', '2', 'n2', 20);
    put(store, 'c', '3', 'n2', 30);
    store.dropKey('a');
    expect(store.size).toBe(2);
    store.dropNode('n2');
    expect(store.size).toBe(0);
    put(store, 'd', '4', 'n3', 40);
    store.dropSlot(40);
    expect(store.size).toBe(0);
    expect(store.counters.invalidations).toBe(5);
    expect(store.bytes).toBe(0);
  });

  it('drops a key’s entries of one argument and of several (HGET) together, and only that key’s', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    const hget = argsKeyOf('HGET', ['a', 'f'])!;
    const hgetB = argsKeyOf('HGET', ['b', 'f'])!;
    put(store, 'a', '1', 'n1', 10);
    put(store, hget, 'x', 'n1', 10, { key: 'a', name: 'HGET' });
    put(store, hgetB, 'y', 'n1', 11, { key: 'b', name: 'HGET' });
    // An entry of another key whose argsKey happens to read like the dropped key stays.
    put(store, hget, '2', 'n1', 12);
    store.dropKey('a');
    expect(cached(store, 'a')).toBeUndefined();
    expect(cached(store, hget, 'HGET')).toBeUndefined();
    expect(store.size).toBe(2);
    store.dropKey(hget);
    expect(store.size).toBe(1);
    expect(cached(store, hgetB, 'HGET')).toBe('y');
  });
});

describe('reads on their way', () => {
  it('a miss finds the read on its way in the entry’s own table (one view), and its reply is cached', () => {
    const store = new CacheStore(LIMITS);
    const read = begin(store, 'a');
    expect(store.lookup(store.table(false, 'GET'), 'a')).toBe(read);
    expect(store.lookup(store.table(true, 'GET'), 'a')).toBeUndefined();
    expect(read.state).toBe(PENDING);
    expect(store.size).toBe(0);
    expect(store.complete(read, 'v', 'n1')).toBe(true);
    expect(cached(store, 'a')).toBe('v');
  });

  it('an invalidation of its key detaches it: its reply is not cached, and the next miss sends a new read', () => {
    const store = new CacheStore(LIMITS);
    const hget = argsKeyOf('HGET', ['a', 'f'])!;
    const [read, other, field] = [
      begin(store, 'a'),
      begin(store, 'b'),
      begin(store, hget, { key: 'a', name: 'HGET' }),
    ];
    store.dropKey('a');
    expect([read.state, other.state, field.state]).toEqual([GONE, PENDING, GONE]);
    expect(store.lookup(store.table(false, 'GET'), 'a')).toBeUndefined();
    expect(store.complete(read, 'old', 'n1')).toBe(false);
    expect(store.complete(field, 'old', 'n1')).toBe(false);
    expect(cached(store, 'a')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.counters.invalidations).toBe(0);
  });

  it('a moved slot detaches only that slot’s reads; a lost node (detachPending) and a clear detach every read', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    const [a, b, c] = [
      begin(store, 'a', { slot: 1 }),
      begin(store, 'b', { slot: 2 }),
      begin(store, 'c', { slot: 3 }),
    ];
    store.dropSlot(2);
    expect([a.state, b.state, c.state]).toEqual([PENDING, GONE, PENDING]);
    expect(store.complete(a, 'v', 'n1')).toBe(true);
    store.detachPending();
    expect(c.state).toBe(GONE);
    expect(cached(store, 'a')).toBe('v');
    const d = begin(store, 'd', { slot: 4 });
    expect([...store.slots()]).toEqual([1, 4]);
    store.clear(false);
    expect(d.state).toBe(GONE);
    expect([...store.slots()]).toEqual([]);
  });

  it('a failed read leaves its table; an MGET’s read (no table) is cached as GET unless a GET is on its way', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    const getTable = store.table(false, 'GET');
    const failed = begin(store, 'a');
    store.detach(failed);
    expect(store.lookup(getTable, 'a')).toBeUndefined();
    const mgetRead = (key: string) => {
      const entry = new CacheEntry(OWNER, undefined, key, key, 0);
      store.begin(entry);
      return entry;
    };
    const first = mgetRead('a');
    store.dropKey('a');
    expect(store.complete(first, 'old', 'n1', getTable)).toBe(false);
    expect(store.complete(mgetRead('a'), '1', 'n1', getTable)).toBe(true);
    expect(cached(store, 'a')).toBe('1');
    const get = begin(store, 'b');
    expect(store.complete(mgetRead('b'), '2', 'n1', getTable)).toBe(false);
    expect(store.lookup(getTable, 'b')).toBe(get);
    store.dropKey('a');
    expect(store.size).toBe(0);
  });
});

describe('the catalogue', () => {
  it('gives distinct argument keys to distinct arguments and argument types of one command', () => {
    const keys = [
      argsKeyOf('HMGET', ['a', 'b']),
      argsKeyOf('HMGET', ['a', Buffer.from('b')]),
      argsKeyOf('HMGET', ['a', 'b1:sc']),
      argsKeyOf('HMGET', ['a', 'b', 'c']),
      argsKeyOf('HMGET', ['a1:sb', 'c']),
      argsKeyOf('HMGET', ['a', 0]),
      argsKeyOf('HMGET', ['a', '0']),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    // A one-argument key never spells the arguments of a longer call, even one starting with the long form's mark.
    const oneOrMany = [
      argsKeyOf('BITCOUNT', ['1:x1:s01:s1']),
      argsKeyOf('BITCOUNT', ['x', '0', '1']),
      argsKeyOf('BITCOUNT', ['1:x1:n01:n1']),
      argsKeyOf('BITCOUNT', ['x', 0, 1]),
      argsKeyOf('BITCOUNT', ['\u00001:x1:s01:s1']),
      argsKeyOf('BITCOUNT', ['\u0000']),
      argsKeyOf('BITCOUNT', ['']),
    ];
    expect(new Set(oneOrMany).size).toBe(oneOrMany.length);
    // One argument: the key's text, whether given as a string or as bytes.
    expect(argsKeyOf('GET', ['a'])).toBe('a');
    expect(argsKeyOf('GET', [Buffer.from('a')])).toBe('a');
  });

  it('does not cache writes, random or time-dependent reads, nor EXISTS of several keys', () => {
    for (const name of ['SET', 'GETEX', 'GETDEL', 'TTL', 'PTTL', 'SRANDMEMBER', 'HRANDFIELD', 'INCR']) {
      expect(argsKeyOf(name, ['a'])).toBeUndefined();
    }
    expect(argsKeyOf('EXISTS', ['a', 'b'])).toBeUndefined();
    expect(argsKeyOf('EXISTS', ['a'])).toBeDefined();
  });

  it('names a Buffer key by its UTF-8 text, and refuses one that is not valid UTF-8', () => {
    expect(keyText(Buffer.from('user:1'))).toBe('user:1');
    expect(keyText(Buffer.from([0xff, 0xfe]))).toBeUndefined();
  });
});
