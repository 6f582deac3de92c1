// Unit tests of the cache's bookkeeping (no server): LRU order and limits, the key/node/slot indexes, the entry keys
// of the catalogue, and the in-flight marks. The behaviour against real servers is in test/cache-*.test.ts.
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../../src/cache/cache-store.js';
import { argsKeyOf, keyText } from '../../../src/cache/cacheable-commands.js';
import { InFlightReads, type PendingRead } from '../../../src/cache/in-flight-reads.js';

const LIMITS = { maxEntries: 3, maxBytes: 1 << 20, ttlMs: 0 };

describe('CacheStore', () => {
  it('evicts the least recently used entry beyond maxEntries; a lookup makes an entry the most recent', () => {
    const store = new CacheStore(LIMITS);
    const put = (name: string) => store.store(false, 'GET', name, name, name, 'n1', 1);
    const get = (name: string) => store.lookup(false, 'GET', name)?.reply;
    for (const name of ['a', 'b', 'c']) put(name);
    expect(get('a')).toBe('a');
    put('d');
    expect(get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map(get)).toEqual(['a', 'c', 'd']);
    expect(store.counters.evictions).toBe(1);
  });

  it('keeps its byte estimate within maxBytes and back to 0 once empty', () => {
    const store = new CacheStore({ maxEntries: 1000, maxBytes: 4_000, ttlMs: 0 });
    for (let i = 0; i < 20; i++) store.store(false, 'GET', `k${i}`, `k${i}`, 'x'.repeat(500), 'n1', i);
    expect(store.bytes).toBeLessThanOrEqual(4_000);
    expect(store.size).toBeLessThan(20);
    store.clear(false);
    expect(store.bytes).toBe(0);
  });

  it('drops by key (every command and view of it), by node and by slot, counting invalidations', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    store.store(false, 'GET', 'a', 'a', '1', 'n1', 10);
    store.store(true, 'GET', 'a', 'a', Buffer.from('1'), 'n1', 10);
    store.store(false, 'GET', 'b', 'b', '2', 'n2', 20);
    store.store(false, 'GET', 'c', 'c', '3', 'n2', 30);
    store.dropKey('a');
    expect(store.size).toBe(2);
    store.dropNode('n2');
    expect(store.size).toBe(0);
    store.store(false, 'GET', 'd', 'd', '4', 'n3', 40);
    store.dropSlot(40);
    expect(store.size).toBe(0);
    expect(store.counters.invalidations).toBe(5);
    expect(store.bytes).toBe(0);
  });
  it('drops a key’s entries of one argument and of several (HGET) together, and only that key’s', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    const hget = argsKeyOf('HGET', ['a', 'f'])!;
    store.store(false, 'GET', 'a', 'a', '1', 'n1', 10);
    store.store(false, 'HGET', hget, 'a', 'x', 'n1', 10);
    store.store(false, 'HGET', argsKeyOf('HGET', ['b', 'f'])!, 'b', 'y', 'n1', 11);
    // An entry of another key whose argsKey happens to read like the dropped key stays.
    store.store(false, 'GET', hget, hget, '2', 'n1', 12);
    store.dropKey('a');
    expect(store.lookup(false, 'GET', 'a')).toBeUndefined();
    expect(store.lookup(false, 'HGET', hget)).toBeUndefined();
    expect(store.size).toBe(2);
    store.dropKey(hget);
    expect(store.size).toBe(1);
    expect(store.lookup(false, 'HGET', argsKeyOf('HGET', ['b', 'f'])!)?.reply).toBe('y');
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

describe('InFlightReads', () => {
  const read = (key: string, slot = 0, sharedIn?: Map<string, PendingRead>): PendingRead => ({
    key,
    slot,
    sharedIn,
    argsKey: key,
    stale: false,
  });

  it('shares a read by entry until an invalidation of its key makes it stale', () => {
    const reads = new InFlightReads<PendingRead>();
    const table = reads.sharedTable(false, 'GET');
    const first = read('a', 0, table);
    reads.begin(first);
    expect(reads.sharedTable(false, 'GET').get('a')).toBe(first);
    expect(reads.sharedTable(true, 'GET').get('a')).toBeUndefined();
    reads.invalidateKey('a');
    expect(first.stale).toBe(true);
    expect(table.get('a')).toBeUndefined();
    expect(reads.end(first)).toBe(false);
  });

  it('keeps a key’s reads apart once a second one is on its way: an invalidation marks both stale', () => {
    const reads = new InFlightReads<PendingRead>();
    const [first, second, other] = [read('a', 0), read('a', 0), read('b', 0)];
    for (const r of [first, second, other]) reads.begin(r);
    expect(reads.end(first)).toBe(true);
    const third = read('a', 0);
    reads.begin(third);
    reads.invalidateKey('a');
    expect([second.stale, third.stale, other.stale]).toEqual([true, true, false]);
  });

  it('a moved slot makes only that slot’s reads stale; a lost node makes every read stale', () => {
    const reads = new InFlightReads<PendingRead>();
    const [a, b, c] = [read('a', 1), read('b', 2), read('c', 3)];
    for (const r of [a, b, c]) reads.begin(r);
    reads.invalidateSlot(2);
    expect([a.stale, b.stale, c.stale]).toEqual([false, true, false]);
    expect(reads.end(a)).toBe(true);
    reads.invalidateAll();
    expect(c.stale).toBe(true);
  });
});
