// Unit tests of the cache's bookkeeping (no server): LRU order and limits, the key/node/slot indexes, the entry keys
// of the catalogue, and the in-flight marks. The behaviour against real servers is in test/cache-*.test.ts.
import { describe, expect, it } from 'vitest';
import { CacheStore } from '../../../src/cache/cache-store.js';
import { entryKeyOf, getEntryKey, keyText } from '../../../src/cache/cacheable-commands.js';
import { InFlightReads, type PendingRead } from '../../../src/cache/in-flight-reads.js';

const LIMITS = { maxEntries: 3, maxBytes: 1 << 20, ttlMs: 0 };

describe('CacheStore', () => {
  it('evicts the least recently used entry beyond maxEntries; a lookup makes an entry the most recent', () => {
    const store = new CacheStore(LIMITS);
    for (const name of ['a', 'b', 'c']) store.store(name, name, name, 'n1', 1);
    expect(store.lookup('a')?.reply).toBe('a');
    store.store('d', 'd', 'd', 'n1', 1);
    expect(store.lookup('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((name) => store.lookup(name)?.reply)).toEqual(['a', 'c', 'd']);
    expect(store.counters.evictions).toBe(1);
  });

  it('keeps its byte estimate within maxBytes and back to 0 once empty', () => {
    const store = new CacheStore({ maxEntries: 1000, maxBytes: 4_000, ttlMs: 0 });
    for (let i = 0; i < 20; i++) store.store(`k${i}`, `k${i}`, 'x'.repeat(500), 'n1', i);
    expect(store.bytes).toBeLessThanOrEqual(4_000);
    expect(store.size).toBeLessThan(20);
    store.clear(false);
    expect(store.bytes).toBe(0);
  });

  it('drops by key (every command and view of it), by node and by slot, counting invalidations', () => {
    const store = new CacheStore({ ...LIMITS, maxEntries: 100 });
    store.store('GET|s|a', 'a', '1', 'n1', 10);
    store.store('GET|b|a', 'a', Buffer.from('1'), 'n1', 10);
    store.store('GET|s|b', 'b', '2', 'n2', 20);
    store.store('GET|s|c', 'c', '3', 'n2', 30);
    store.dropKey('a');
    expect(store.size).toBe(2);
    store.dropNode('n2');
    expect(store.size).toBe(0);
    store.store('GET|s|d', 'd', '4', 'n3', 40);
    store.dropSlot(40);
    expect(store.size).toBe(0);
    expect(store.counters.invalidations).toBe(5);
    expect(store.bytes).toBe(0);
  });
});

describe('the catalogue', () => {
  it('gives distinct entry keys to distinct commands, arguments, argument types and views', () => {
    const keys = [
      entryKeyOf('GET', ['a'], false),
      entryKeyOf('GET', ['a'], true),
      entryKeyOf('HGET', ['a', 'b'], false),
      entryKeyOf('HGET', ['a', Buffer.from('b')], false),
      entryKeyOf('HMGET', ['a', 'b\u00001:sc'], false),
      entryKeyOf('HMGET', ['a', 'b', 'c'], false),
      entryKeyOf('LRANGE', ['a', 0, -1], false),
      entryKeyOf('LRANGE', ['a', '0', '-1'], false),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(getEntryKey('a', false)).toBe(entryKeyOf('GET', ['a'], false));
  });

  it('does not cache writes, random or time-dependent reads, nor EXISTS of several keys', () => {
    for (const name of ['SET', 'GETEX', 'GETDEL', 'TTL', 'PTTL', 'SRANDMEMBER', 'HRANDFIELD', 'INCR']) {
      expect(entryKeyOf(name, ['a'], false)).toBeUndefined();
    }
    expect(entryKeyOf('EXISTS', ['a', 'b'], false)).toBeUndefined();
    expect(entryKeyOf('EXISTS', ['a'], false)).toBeDefined();
  });

  it('names a Buffer key by its UTF-8 text, and refuses one that is not valid UTF-8', () => {
    expect(keyText(Buffer.from('user:1'))).toBe('user:1');
    expect(keyText(Buffer.from([0xff, 0xfe]))).toBeUndefined();
  });
});

describe('InFlightReads', () => {
  const read = (key: string, slot = 0, entryKey?: string): PendingRead => ({
    key,
    slot,
    entryKey,
    stale: false,
  });

  it('shares a read by entry key until an invalidation of its key makes it stale', () => {
    const reads = new InFlightReads<PendingRead>();
    const first = read('a', 0, 'GET|a');
    reads.begin(first);
    expect(reads.sharedRead('GET|a')).toBe(first);
    reads.invalidateKey('a');
    expect(first.stale).toBe(true);
    expect(reads.sharedRead('GET|a')).toBeUndefined();
    expect(reads.end(first)).toBe(false);
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
