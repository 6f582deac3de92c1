// The client-side cache on a ConnectionManager, against a real standalone server: hits, another client's write,
// a lost connection (its tracking went with it) and the configuration errors.
import { type DevStandalone, startStandalone, TcpProxy, waitFor } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Client, ConfigError } from '../src/index.js';

let server: DevStandalone;
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function getCalls(): Promise<number> {
  const text = String(await server.admin('INFO', 'commandstats'));
  return Number(/^cmdstat_get:calls=(\d+)/m.exec(text)?.[1] ?? 0);
}

async function cachedManager(port = server.port) {
  const manager = await new Client({ host: '127.0.0.1', port }).getConnectionManager({
    cache: { maxEntries: 100 },
    connectTimeoutMs: 500,
    commandTimeoutMs: 500,
    backoff: { baseMs: 10, maxMs: 100 },
  });
  cleanups.push(() => manager.destroy());
  return manager;
}

it('serves repeated reads from memory, and another client’s write once its invalidation arrives', async () => {
  const manager = await cachedManager();
  await server.admin('SET', 'standalone:k', 'v1');
  const before = await getCalls();
  for (let i = 0; i < 5; i++) expect(await manager.get('standalone:k')).toBe('v1');
  expect(await manager.buffers.get('standalone:k')).toEqual(Buffer.from('v1'));
  expect((await getCalls()) - before).toBe(2);
  await server.admin('SET', 'standalone:k', 'v2');
  await waitFor(() => manager.cache!.stats().invalidations >= 2, {
    timeoutMs: 5_000,
    message: 'invalidation',
  });
  expect(await manager.get('standalone:k')).toBe('v2');
  expect(await manager.uncached.get('standalone:k')).toBe('v2');
  expect((await getCalls()) - before).toBe(4);
});

it('a cached read of a key that starts with NUL is dropped by its invalidation (its entry is found by key)', async () => {
  const manager = await cachedManager();
  const key = '\u0000standalone:nul';
  await server.admin('SET', key, 'v1');
  expect(await manager.get(key)).toBe('v1');
  expect(await manager.get(key)).toBe('v1');
  const invalidations = manager.cache!.stats().invalidations;
  await server.admin('SET', key, 'v2');
  await waitFor(() => manager.cache!.stats().invalidations > invalidations, {
    timeoutMs: 5_000,
    message: 'invalidation of the NUL-led key',
  });
  expect(await manager.get(key)).toBe('v2');
});

it('MGET of a key string with a lone surrogate (sent as U+FFFD) is never served stale either: its write is read fresh', async () => {
  const manager = await cachedManager();
  const key = 'standalone:lone-mget:\uD800';
  await server.admin('SET', key, 'v1');
  expect(await manager.mget([key])).toEqual(['v1']);
  await server.admin('SET', key, 'v2');
  await server.admin('SET', 'standalone:lone-mget:marker', 'm');
  await waitFor(async () => (await manager.get('standalone:lone-mget:marker')) === 'm', {
    timeoutMs: 5_000,
    message: 'the marker',
  });
  expect(await manager.mget([key])).toEqual(['v2']);
  expect(await manager.get(key)).toBe('v2');
});

it("a key that spells another call's arguments gets its own entry (BITCOUNT '1:x1:n01:n1' is not BITCOUNT x 0 1)", async () => {
  const manager = await cachedManager();
  await server.admin('SET', 'x', 'ab');
  await server.admin('DEL', '1:x1:n01:n1');
  expect(await manager.bitcount('x', { start: 0, end: 1 })).toBe(6);
  expect(await manager.bitcount('1:x1:n01:n1')).toBe(0);
});

it('a key string with a lone surrogate (sent as the bytes of U+FFFD) is never served stale: its write is read fresh', async () => {
  const manager = await cachedManager();
  const key = 'standalone:lone:\uD800';
  await server.admin('SET', key, 'v1');
  await server.admin('SET', 'standalone:lone:marker', 'm1');
  expect(await manager.get(key)).toBe('v1');
  expect(await manager.get('standalone:lone:marker')).toBe('m1');
  await server.admin('SET', key, 'v2');
  await server.admin('SET', 'standalone:lone:marker', 'm2');
  // Invalidations come in order on the one connection: once the marker's is in, the key's is too.
  await waitFor(async () => (await manager.get('standalone:lone:marker')) === 'm2', {
    timeoutMs: 5_000,
    message: "the marker's invalidation",
  });
  expect(await manager.get(key)).toBe('v2');
});

it("MGET without keys goes to the server, which refuses it; a NUL-led key is not served another key's entry", async () => {
  const manager = await cachedManager();
  await expect(manager.mget([])).rejects.toMatchObject({ code: 'ERR_KEYSLOT_REPLY' });
  // GET '\0' is cached under the long form, which is the text of the second key.
  await server.admin('SET', '\u0000', 'one');
  await server.admin('SET', '\u00001:\u0000', 'two');
  expect(await manager.get('\u0000')).toBe('one');
  expect(await manager.mget(['\u00001:\u0000'])).toEqual(['two']);
});

it('an error reply (WRONGTYPE) rejects the read and is not cached: a string written after it is read fresh', async () => {
  const manager = await cachedManager();
  await server.admin('DEL', 'standalone:wrongtype');
  await server.admin('RPUSH', 'standalone:wrongtype', 'a list');
  await expect(manager.get('standalone:wrongtype')).rejects.toMatchObject({ prefix: 'WRONGTYPE' });
  expect(manager.cache!.stats().entries).toBe(0);
  await server.admin('DEL', 'standalone:wrongtype');
  await server.admin('SET', 'standalone:wrongtype', 'a string');
  expect(await manager.get('standalone:wrongtype')).toBe('a string');
});

it("this client's own write on a dedicated connection (BLMOVE) is read back, never the cached list from before it", async () => {
  const manager = await cachedManager();
  await server.admin('DEL', 'standalone:own:src', 'standalone:own:dst');
  // The write's reply comes on the dedicated connection, its invalidation on the shared one: a race each time.
  let stale = 0;
  for (let i = 1; i <= 100; i++) {
    await manager.lrange('standalone:own:dst', 0, -1); // cached (and tracked)
    await server.admin('RPUSH', 'standalone:own:src', `x${i}`);
    expect(await manager.blmove('standalone:own:src', 'standalone:own:dst', 'LEFT', 'RIGHT', 1)).toBe(
      `x${i}`,
    );
    if ((await manager.lrange('standalone:own:dst', 0, -1)).length !== i) stale++;
  }
  expect(stale).toBe(0);
});

it('a lost connection drops every entry: a write made while it was down is read fresh', async () => {
  const proxy = await TcpProxy.start(server);
  cleanups.push(() => proxy.close());
  const manager = await cachedManager(proxy.port);
  await server.admin('SET', 'standalone:lost', 'before');
  expect(await manager.get('standalone:lost')).toBe('before');
  proxy.refuseNewConnections();
  proxy.cut();
  await waitFor(() => manager.cache!.stats().entries === 0, { timeoutMs: 5_000, message: 'entries dropped' });
  await server.admin('SET', 'standalone:lost', 'after');
  proxy.restore();
  expect(await manager.get('standalone:lost')).toBe('after');
});

it('refuses a cache on RESP2 and on a connection that does not reconnect, with ERR_KEYSLOT_CONFIG', async () => {
  const resp2 = new Client({ host: '127.0.0.1', port: 1, protocol: 2 });
  await expect(resp2.getConnectionManager({ cache: {} })).rejects.toMatchObject({
    code: 'ERR_KEYSLOT_CONFIG',
    message: expect.stringMatching(/needs protocol 3/),
  });
  await expect(
    new Client({ host: '127.0.0.1', port: 1 }).getMultiplexedConnection({ cache: {} }),
  ).rejects.toBeInstanceOf(ConfigError);
});
