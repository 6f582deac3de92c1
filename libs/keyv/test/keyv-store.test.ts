// KeyslotKeyvStore through the real Keyv 5, cache-manager 7 and @nestjs/cache-manager 3 (CacheModule in a Nest
// application), against a real cluster: values and TTLs on the servers, reads across slots, and clear() scoped to
// its namespace on every primary.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, keysStartingWith, primaryOfKey, startCluster } from '@keyslot/dev-cluster';
import { KeyslotKeyvStore } from '@keyslot/keyv';
import { KeyslotModule, ClusterConnection as NestClusterConnection } from '@keyslot/nestjs';
import { CACHE_MANAGER, CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { Controller, Get, Module, UseInterceptors } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Cache } from 'cache-manager';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let cluster: DevCluster;
let redis: ClusterConnection;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  redis = await new ClusterClient(cluster.seeds).getConnection();
});
afterAll(async () => {
  await redis?.close();
  await cluster?.stop();
});

const ownerOf = (key: string) => primaryOfKey(cluster, key);
const keysOnServers = (prefix: string) => keysStartingWith(cluster, prefix);

/** Keys of `namespace` that land on every primary. */
async function keysOnEveryPrimary(namespace: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `k${i}`);
  const owners = new Set(
    await Promise.all(names.map(async (name) => (await ownerOf(`${namespace}:${name}`)).port)),
  );
  expect(owners.size).toBe(3);
  return names;
}

describe('KeyslotKeyvStore through Keyv', () => {
  const ns = `users-${process.pid}`;
  let keyv: Keyv;
  beforeAll(() => {
    keyv = new Keyv({ store: new KeyslotKeyvStore(redis), namespace: ns });
  });

  it('sets, gets, checks and deletes values, each one string key on the primary that owns it', async () => {
    expect(await keyv.set('ada', { name: 'Ada', born: 1815 })).toBe(true);
    expect(await keyv.get('ada')).toEqual({ name: 'Ada', born: 1815 });
    expect(await keyv.has('ada')).toBe(true);
    const owner = await ownerOf(`${ns}:ada`);
    expect(await cluster.admin(owner, 'TYPE', `${ns}:ada`)).toBe('string');
    expect(Number(await cluster.admin(owner, 'PTTL', `${ns}:ada`))).toBe(-1);

    expect(await keyv.delete('ada')).toBe(true);
    expect(await keyv.delete('ada')).toBe(false);
    expect(await keyv.get('ada')).toBeUndefined();
    expect(await keyv.has('ada')).toBe(false);
    expect(await cluster.admin(owner, 'EXISTS', `${ns}:ada`)).toBe(0);
  });

  it('gives a value with a ttl to the server to expire', async () => {
    await keyv.set('session', 'short-lived', 60_000);
    const owner = await ownerOf(`${ns}:session`);
    const pttl = Number(await cluster.admin(owner, 'PTTL', `${ns}:session`));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    await keyv.set('blink', 'gone soon', 100);
    // The server itself drops it (Keyv alone would only hide it): EXISTS on the owner turns 0.
    const blinkOwner = await ownerOf(`${ns}:blink`);
    await cluster.waitFor(async () => (await cluster.admin(blinkOwner, 'EXISTS', `${ns}:blink`)) === 0, {
      timeoutMs: 5000,
      message: 'the server to expire the key',
    });
    expect(await keyv.has('blink')).toBe(false);
  });

  it('leaves nothing on the server for a value set with a negative ttl (already expired), not even an older one', async () => {
    const owner = await ownerOf(`${ns}:expired`);
    await keyv.set('expired', 'old value');
    expect(await keyv.set('expired', 'already stale', -1000)).toBe(true);
    expect(await cluster.admin(owner, 'EXISTS', `${ns}:expired`)).toBe(0);
    await keyv.setMany([{ key: 'expired', value: 'stale too', ttl: -1 }]);
    expect(await cluster.admin(owner, 'EXISTS', `${ns}:expired`)).toBe(0);
    expect(await keyv.get('expired')).toBeUndefined();
  });

  it('reads many keys across every primary in key order, and deletes many at once', async () => {
    const names = await keysOnEveryPrimary(ns, 12);
    await keyv.setMany(names.map((name, i) => ({ key: name, value: i })));
    const values = await keyv.get([...names, 'missing']);
    expect(values).toEqual([...names.map((_, i) => i), undefined]);
    expect(await keyv.has([names[0]!, 'missing'])).toEqual([true, false]);
    expect(await keyv.delete(names)).toBe(true);
    expect(await keyv.get(names)).toEqual(names.map(() => undefined));
  });

  it('clears its own namespace on every primary, and nothing else', async () => {
    const mine = `clear-${process.pid}`;
    const other = `clear-${process.pid}-other`;
    const globby = `clear-${process.pid}*`; // a namespace whose name is a glob: it must match only itself
    const stores = [mine, other, globby].map(
      (namespace) => new Keyv({ store: new KeyslotKeyvStore(redis), namespace }),
    );
    const names = await keysOnEveryPrimary(mine, 12);
    for (const store of stores) await store.setMany(names.map((key) => ({ key, value: key })));
    await redis.set(`${mine}-not-a-namespace`, 'x');
    expect(await keysOnServers(mine)).toHaveLength(12 * 3 + 1);

    await stores[2]!.clear(); // the glob namespace first: only its own 12 keys go
    expect(await keysOnServers(`${globby}:`)).toEqual([]);
    expect(await keysOnServers(mine)).toHaveLength(12 * 2 + 1);

    await stores[0]!.clear();
    expect(await keysOnServers(`${mine}:`)).toEqual([]);
    expect(await keysOnServers(`${other}:`)).toHaveLength(12);
    expect(await redis.get(`${mine}-not-a-namespace`)).toBe('x');
  });

  it('refuses to clear without a namespace or prefix, and to store what is not a string', async () => {
    const bare = new KeyslotKeyvStore(redis);
    await redis.set(`bare-${process.pid}`, 'kept');
    await expect(bare.clear()).rejects.toMatchObject({ code: 'ERR_KEYSLOT_CONFIG' });
    expect(await redis.get(`bare-${process.pid}`)).toBe('kept');
    await expect(bare.set('k', { not: 'serialized' })).rejects.toMatchObject({
      code: 'ERR_KEYSLOT_ARGUMENT',
    });
    expect(() => new KeyslotKeyvStore(redis, { clearBatchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }),
    );
  });

  it('clears with a store prefix when Keyv has no namespace', async () => {
    const prefix = `pfx-${process.pid}:`;
    const store = new Keyv({
      store: new KeyslotKeyvStore(redis, { prefix, clearBatchSize: 5 }),
      namespace: undefined,
    });
    await store.setMany(Array.from({ length: 20 }, (_, i) => ({ key: `n${i}`, value: i })));
    expect(await keysOnServers(prefix)).toHaveLength(20);
    await store.clear();
    expect(await keysOnServers(prefix)).toEqual([]);
  });
});

describe('KeyslotKeyvStore under cache-manager 7', () => {
  it('serves get, set with ttl, mget, del and wrap, and never closes the shared connection', async () => {
    const ns = `cm-${process.pid}`;
    const cache = createCache({ stores: [new Keyv({ store: new KeyslotKeyvStore(redis), namespace: ns })] });
    await cache.set('a', { v: 1 }, 30_000);
    expect(await cache.get('a')).toEqual({ v: 1 });
    expect(Number(await cluster.admin(await ownerOf(`${ns}:a`), 'PTTL', `${ns}:a`))).toBeGreaterThan(20_000);
    expect(await cache.mget(['a', 'b'])).toEqual([{ v: 1 }, undefined]);
    let computed = 0;
    const compute = async () => ++computed;
    expect(await cache.wrap('w', compute, 30_000)).toBe(1);
    expect(await cache.wrap('w', compute, 30_000)).toBe(1);
    expect(computed).toBe(1);
    await cache.del('a');
    expect(await cache.get('a')).toBeUndefined();
    await cache.disconnect();
    expect(redis.isOpen).toBe(true);
  });
});

describe('KeyslotKeyvStore through @nestjs/cache-manager CacheModule', () => {
  let hits = 0;

  @Controller()
  class CountController {
    @Get('counted')
    @UseInterceptors(CacheInterceptor)
    counted() {
      return { hits: ++hits };
    }
  }

  let app: NestFastifyApplication;
  const ns = `nest-${process.pid}`;
  beforeAll(async () => {
    @Module({
      imports: [
        KeyslotModule.forRoot({ nodes: cluster.seeds }),
        CacheModule.registerAsync({
          isGlobal: true,
          inject: [NestClusterConnection],
          useFactory: (connection: ClusterConnection) => ({
            stores: [new Keyv({ store: new KeyslotKeyvStore(connection), namespace: ns })],
            ttl: 60_000,
          }),
        }),
      ],
      controllers: [CountController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('caches a route with CacheInterceptor in the cluster: the handler runs once', async () => {
    expect((await app.inject({ url: '/counted' })).json()).toEqual({ hits: 1 });
    expect((await app.inject({ url: '/counted' })).json()).toEqual({ hits: 1 });
    expect(hits).toBe(1);
    // The interceptor keys by URL; the entry is on the primary that owns it, with the module's ttl.
    const owner = await ownerOf(`${ns}:/counted`);
    expect(JSON.parse(String(await cluster.admin(owner, 'GET', `${ns}:/counted`)))).toMatchObject({
      value: { hits: 1 },
    });
    expect(Number(await cluster.admin(owner, 'PTTL', `${ns}:/counted`))).toBeGreaterThan(50_000);
  });

  it('gives the injected Cache get, set, del and a clear scoped to the namespace, on the shared connection', async () => {
    const cache = app.get<Cache>(CACHE_MANAGER);
    await cache.set('profile', { name: 'Ada' });
    expect(await cache.get('profile')).toEqual({ name: 'Ada' });
    await redis.set(`${ns}-outside`, 'kept');
    await cache.clear();
    expect(await cache.get('profile')).toBeUndefined();
    expect(await keysOnServers(`${ns}:`)).toEqual([]);
    expect(await redis.get(`${ns}-outside`)).toBe('kept');
    // The module's own connection is the one the store uses, still open after the cache was used.
    expect(app.get(NestClusterConnection).isOpen).toBe(true);
  });
});

describe('KeyslotKeyvStore while a slot is being migrated', () => {
  it('clears keys of a slot whose keys are split between the two primaries of a migration', async () => {
    const ns = `migrating-${process.pid}`;
    const keyv = new Keyv({ store: new KeyslotKeyvStore(redis), namespace: ns, throwOnErrors: true });
    // Keys of one slot (a hash tag), and keys spread over the cluster.
    const names = [
      ...Array.from({ length: 8 }, (_, i) => `{tag}${i}`),
      ...Array.from({ length: 8 }, (_, i) => `k${i}`),
    ];
    await keyv.setMany(names.map((key) => ({ key, value: key })));
    const tagged = `${ns}:{tag}0`;
    const slot = Number(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'KEYSLOT', tagged));
    const source = await ownerOf(tagged);
    const target = cluster.primaries.find((node) => node.port !== source.port)!;
    // A reshard under way (or stopped half-way): three of the slot's keys already moved to the target.
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    const moved = [0, 1, 2].map((i) => `${ns}:{tag}${i}`);
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', ...moved);
    try {
      await keyv.clear();
      expect(await keysOnServers(`${ns}:`)).toEqual([]);
    } finally {
      for (const node of [source, target]) await cluster.admin(node, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
    }
  });
});
