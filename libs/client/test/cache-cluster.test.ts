// The client-side cache on a real cluster: what it serves from memory, how a write by another client reaches it,
// shared misses, a reply that races with its invalidation, both views, the bypass, MGET per key, LRU bounds and
// its configuration errors. Faults (lost, stuck and replaced connections, moved slots) are in
// cache-cluster-faults.test.ts.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CacheOptions,
  ClusterClient,
  type ClusterConnection,
  ConfigError,
  QueueFullError,
} from '../src/index.js';
import { callsOf, slotOf, tagOn } from './cluster-helpers.js';

let cluster: DevCluster;
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cached(cache: CacheOptions = {}, readFrom?: 'replica'): Promise<ClusterConnection> {
  const conn = await new ClusterClient(cluster.seeds).getConnection({ cache, readFrom });
  cleanups.push(() => conn.destroy());
  return conn;
}

/** A key on the first primary, with that primary (to count its GETs and write to it directly). */
function keyOnFirstPrimary(name: string) {
  const node = cluster.primaries[0]!;
  return { key: `${tagOn(cluster, node, name)}:k`, node };
}

let invalidationsSeen = 0;
async function untilInvalidated(conn: ClusterConnection): Promise<void> {
  const before = invalidationsSeen;
  await cluster.waitFor(() => conn.cache!.stats().invalidations > before, {
    timeoutMs: 5_000,
    message: 'the invalidation to reach the client',
  });
  invalidationsSeen = conn.cache!.stats().invalidations;
}

describe('reads through the cache', () => {
  it('serves a repeated GET from memory (the server sees one GET), and the value another client writes once its invalidation arrives', async () => {
    const conn = await cached();
    invalidationsSeen = 0;
    const { key, node } = keyOnFirstPrimary('hit');
    await cluster.admin(node, 'SET', key, 'v1');
    const before = await callsOf(cluster, node, 'get');
    for (let i = 0; i < 10; i++) expect(await conn.get(key)).toBe('v1');
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
    expect(conn.cache!.stats()).toMatchObject({ hits: 9, misses: 1, entries: 1 });

    await cluster.admin(node, 'SET', key, 'v2'); // another client, not keyslot
    await untilInvalidated(conn);
    expect(await conn.get(key)).toBe('v2');
    expect((await callsOf(cluster, node, 'get')) - before).toBe(2);
  });

  it('caches the string and the Buffer view apart, both invalidated by one write', async () => {
    const conn = await cached();
    invalidationsSeen = 0;
    const { key, node } = keyOnFirstPrimary('views');
    await cluster.admin(node, 'SET', key, 'bytes');
    expect(await conn.get(key)).toBe('bytes');
    expect(await conn.buffers.get(key)).toEqual(Buffer.from('bytes'));
    expect(await conn.buffers.get(key)).toEqual(Buffer.from('bytes'));
    expect(await conn.get(key)).toBe('bytes');
    expect(conn.cache!.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2 });
    // A caller that changes the Buffer it got does not change the cache.
    (await conn.buffers.get(key))!.fill(0);
    expect(await conn.buffers.get(key)).toEqual(Buffer.from('bytes'));

    await cluster.admin(node, 'SET', key, 'other');
    await untilInvalidated(conn);
    expect(conn.cache!.stats().entries).toBe(0);
    expect(await conn.buffers.get(key)).toEqual(Buffer.from('other'));
    expect(await conn.get(key)).toBe('other');
  });

  it('caches hashes, sets, sorted sets and lists with their transforms, each invalidated by a write to its key', async () => {
    const conn = await cached();
    const tag = tagOn(cluster, cluster.primaries[1]!, 'types');
    await conn.uncached.hset(`${tag}:h`, { a: '1', b: '2' });
    await conn.uncached.sadd(`${tag}:s`, 'x', 'y');
    await conn.uncached.zadd(`${tag}:z`, [{ score: 1, value: 'm' }]);
    await conn.uncached.rpush(`${tag}:l`, 'p', 'q');
    const readAll = () =>
      Promise.all([
        conn.hgetall(`${tag}:h`),
        conn.hget(`${tag}:h`, 'a'),
        conn.smembers(`${tag}:s`),
        conn.zscore(`${tag}:z`, 'm'),
        conn.lrange(`${tag}:l`, 0, -1),
        conn.exists(`${tag}:h`),
        conn.type(`${tag}:s`),
      ]);
    const first = await readAll();
    const second = await readAll();
    expect(second).toEqual(first);
    expect(first[0]).toEqual({ a: '1', b: '2' });
    expect(conn.cache!.stats()).toMatchObject({ misses: 7, hits: 7 });
    // A caller that changes the object it got does not change the cache.
    (second[0] as Record<string, string>).a = 'changed';
    expect(await conn.hgetall(`${tag}:h`)).toEqual({ a: '1', b: '2' });

    await cluster.admin(cluster.primaries[1]!, 'HSET', `${tag}:h`, 'a', '9');
    await cluster.waitFor(async () => (await conn.hget(`${tag}:h`, 'a')) === '9', {
      timeoutMs: 5_000,
      message: 'HGET to see the new field',
    });
    expect(await conn.hgetall(`${tag}:h`)).toEqual({ a: '9', b: '2' });
  });

  it('shares one request among concurrent misses on one entry', async () => {
    const conn = await cached();
    const { key, node } = keyOnFirstPrimary('shared');
    await cluster.admin(node, 'SET', key, 'once');
    const before = await callsOf(cluster, node, 'get');
    const values = await Promise.all(Array.from({ length: 50 }, () => conn.get(key)));
    expect(values.every((value) => value === 'once')).toBe(true);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
    expect(conn.cache!.stats()).toMatchObject({ misses: 50, hits: 0, entries: 1 });
  });

  it('rejects a miss whose request is refused at once (maxPending reached) instead of leaving it pending', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection({ cache: {}, maxPending: 1 });
    cleanups.push(() => conn.close());
    const first = conn.get('cache:full-1');
    await expect(conn.get('cache:full-2')).rejects.toBeInstanceOf(QueueFullError);
    await first;
    expect(await conn.get('cache:full-2')).toBeNull();
  });

  it('rejects every caller of a shared miss the server answers with an error (WRONGTYPE) and caches nothing', async () => {
    const conn = await cached();
    const { key, node } = keyOnFirstPrimary('wrongtype');
    await cluster.admin(node, 'DEL', key);
    await cluster.admin(node, 'RPUSH', key, 'a list');
    const before = await callsOf(cluster, node, 'get');
    const reads = [conn.get(key), conn.get(key)];
    for (const read of reads)
      await expect(read).rejects.toMatchObject({ code: 'ERR_KEYSLOT_REPLY', prefix: 'WRONGTYPE' });
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
    expect(conn.cache!.stats()).toMatchObject({ misses: 2, entries: 0 });
    // Nothing was kept for the key: the next read goes to the server.
    await expect(conn.get(key)).rejects.toMatchObject({ prefix: 'WRONGTYPE' });
    expect((await callsOf(cluster, node, 'get')) - before).toBe(2);
  });

  it('answers a read whose invalidation arrives while it is on its way, but never caches its reply', async () => {
    const conn = await cached();
    const { key, node } = keyOnFirstPrimary('race');
    await cluster.admin(node, 'SET', key, 'v1');
    expect(await conn.get(key)).toBe('v1'); // the server now tracks the key for this connection
    conn.cache!.clear();
    // One write on the wire: SET, then GET. The server pushes the invalidation of the tracked key before it answers
    // either, so the GET is invalidated while on its way.
    const [set, get] = await Promise.all([conn.uncached.set(key, 'v2'), conn.get(key)]);
    expect([set, get]).toEqual(['OK', 'v2']);
    expect(conn.cache!.stats().entries).toBe(0);
    const before = await callsOf(cluster, node, 'get');
    expect(await conn.get(key)).toBe('v2');
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1); // a miss: the raced reply was not kept
  });

  it("this client's own write on a dedicated connection (BLMOVE) is read back, never the cached list from before it", async () => {
    const conn = await cached();
    const node = cluster.primaries[1]!;
    const tag = tagOn(cluster, node, 'own');
    const [src, dst] = [`${tag}:src`, `${tag}:dst`];
    // The write's reply comes on the dedicated connection, its invalidation on the shared one: a race each time.
    let stale = 0;
    for (let i = 1; i <= 100; i++) {
      await conn.lrange(dst, 0, -1); // cached (and tracked)
      await cluster.admin(node, 'RPUSH', src, `x${i}`);
      expect(await conn.blmove(src, dst, 'LEFT', 'RIGHT', 1)).toBe(`x${i}`);
      if ((await conn.lrange(dst, 0, -1)).length !== i) stale++;
    }
    expect(stale).toBe(0);
  });

  it('bypasses the cache on conn.uncached and conn.uncached.buffers', async () => {
    const conn = await cached();
    const { key, node } = keyOnFirstPrimary('bypass');
    await cluster.admin(node, 'SET', key, 'direct');
    expect(await conn.get(key)).toBe('direct');
    const before = await callsOf(cluster, node, 'get');
    expect(await conn.uncached.get(key)).toBe('direct');
    expect(await conn.uncached.buffers.get(key)).toEqual(Buffer.from('direct'));
    expect((await callsOf(cluster, node, 'get')) - before).toBe(2);
    expect(conn.cache!.stats().hits).toBe(0);
  });

  it('serves MGET per key: hits from memory, the misses with one MGET per slot, cached for GET too', async () => {
    const conn = await cached();
    const node = cluster.primaries[2]!;
    const tag = tagOn(cluster, node, 'mget');
    const keys = [`${tag}:a`, `${tag}:b`, `${tag}:c`];
    await cluster.admin(node, 'MSET', keys[0]!, '1', keys[1]!, '2', keys[2]!, '3');
    expect(await conn.get(keys[0]!)).toBe('1');
    const before = await callsOf(cluster, node, 'mget');
    expect(await conn.mget(keys)).toEqual(['1', '2', '3']);
    expect((await callsOf(cluster, node, 'mget')) - before).toBe(1);
    expect(await conn.mget(keys)).toEqual(['1', '2', '3']);
    expect(await conn.get(keys[2]!)).toBe('3');
    expect((await callsOf(cluster, node, 'mget')) - before).toBe(1);
    expect(conn.cache!.stats()).toMatchObject({ misses: 3, hits: 5 });
  });

  it('conn.cache.clear() drops every entry: the next read goes to the server', async () => {
    const conn = await cached();
    const { key, node } = keyOnFirstPrimary('clear');
    await cluster.admin(node, 'SET', key, 'x');
    await conn.get(key);
    conn.cache!.clear();
    expect(conn.cache!.stats().entries).toBe(0);
    const before = await callsOf(cluster, node, 'get');
    await conn.get(key);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
  });

  it('with readFrom replica, reads are cached from the replica and invalidated when it applies a write made on the primary', async () => {
    const conn = await cached({}, 'replica');
    const { key, node } = keyOnFirstPrimary('replica');
    await cluster.admin(node, 'SET', key, 'r1');
    await cluster.admin(node, 'WAIT', 1, 1000);
    const replica = cluster.replicasOf(node)[0]!;
    const before = await callsOf(cluster, replica, 'get');
    expect(await conn.get(key)).toBe('r1');
    expect(await conn.get(key)).toBe('r1');
    expect((await callsOf(cluster, replica, 'get')) - before).toBe(1);
    await cluster.admin(node, 'SET', key, 'r2');
    await cluster.waitFor(async () => (await conn.get(key)) === 'r2', {
      timeoutMs: 5_000,
      message: 'the replica to invalidate the key',
    });
  });
});

describe('memory bounds', () => {
  it('holds at most maxEntries, evicting the least recently used', async () => {
    const conn = await cached({ maxEntries: 3 });
    const node = cluster.primaries[0]!;
    const tag = tagOn(cluster, node, 'lru');
    const keys = ['a', 'b', 'c', 'd'].map((name) => `${tag}:${name}`);
    for (const key of keys) await cluster.admin(node, 'SET', key, key);
    for (const key of keys.slice(0, 3)) await conn.get(key);
    await conn.get(keys[0]!); // a is now the most recently used; b the least
    await conn.get(keys[3]!); // evicts b
    expect(conn.cache!.stats()).toMatchObject({ entries: 3, evictions: 1 });
    const before = await callsOf(cluster, node, 'get');
    await conn.get(keys[0]!);
    await conn.get(keys[2]!);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(0);
    await conn.get(keys[1]!);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
  });

  it('holds at most maxBytes', async () => {
    const conn = await cached({ maxBytes: 64 * 1024 });
    const node = cluster.primaries[0]!;
    const tag = tagOn(cluster, node, 'bytes');
    const value = 'v'.repeat(10_000);
    for (let i = 0; i < 10; i++) {
      await cluster.admin(node, 'SET', `${tag}:${i}`, value);
      await conn.get(`${tag}:${i}`);
      expect(conn.cache!.stats().bytes).toBeLessThanOrEqual(64 * 1024);
    }
    const stats = conn.cache!.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.entries).toBeLessThan(10);
  });

  it('an entry older than ttlMs is a miss', async () => {
    const conn = await cached({ ttlMs: 50 });
    const { key, node } = keyOnFirstPrimary('ttl');
    await cluster.admin(node, 'SET', key, 'aging');
    await conn.get(key);
    const storedAt = Date.now();
    await cluster.waitFor(() => Date.now() - storedAt > 60, { timeoutMs: 1_000, intervalMs: 10 });
    const before = await callsOf(cluster, node, 'get');
    await conn.get(key);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(1);
  });
});

describe('configuration', () => {
  it('refuses a cache on RESP2, and bad limits, with ERR_KEYSLOT_CONFIG before any I/O', () => {
    // Port 1: nothing listens there; the errors come before any connection is tried.
    const resp2 = new ClusterClient('127.0.0.1:1', { protocol: 2 });
    expect(() => resp2.createConnection({ cache: {} })).toThrow(/needs protocol 3/);
    const client = new ClusterClient('127.0.0.1:1');
    for (const bad of [{ maxEntries: 0 }, { maxBytes: -1 }, { ttlMs: 1.5 }, { maxEntries: '10' }]) {
      let error: unknown;
      try {
        client.createConnection({ cache: bad as CacheOptions });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('ERR_KEYSLOT_CONFIG');
    }
  });

  it('a connection without a cache has none: conn.cache is undefined and every read goes to the server', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection();
    cleanups.push(() => conn.destroy());
    expect(conn.cache).toBeUndefined();
    const { key, node } = keyOnFirstPrimary('nocache');
    const before = await callsOf(cluster, node, 'get');
    await conn.get(key);
    await conn.get(key);
    expect((await callsOf(cluster, node, 'get')) - before).toBe(2);
    expect(slotOf(key)).toBeGreaterThanOrEqual(0);
  });
});
