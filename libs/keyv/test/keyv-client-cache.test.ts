// Keyv over a ClusterConnection with the client-side cache, against a real cluster: a Keyv get is served from the
// connection's memory, and another client's write (a second Keyv on a connection without a cache) invalidates it.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, type DevClusterNode, primaryOfKey, startCluster } from '@keyslot/dev-cluster';
import { KeyslotKeyvStore } from '@keyslot/keyv';
import Keyv from 'keyv';
import { afterAll, beforeAll, expect, it } from 'vitest';

let cluster: DevCluster;
let cached: ClusterConnection;
let plain: ClusterConnection;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  cached = await new ClusterClient(cluster.seeds).getConnection({ cache: {} });
  plain = await new ClusterClient(cluster.seeds).getConnection();
});
afterAll(async () => {
  cached?.destroy();
  plain?.destroy();
  await cluster?.stop();
});

async function getCalls(node: DevClusterNode): Promise<number> {
  const text = String(await cluster.admin(node, 'INFO', 'commandstats'));
  return Number(/^cmdstat_get:calls=(\d+)/m.exec(text)?.[1] ?? 0);
}

it('a Keyv get is served from the client-side cache, and another client’s write invalidates it', async () => {
  const namespace = `cached-${process.pid}`;
  const reader = new Keyv({ store: new KeyslotKeyvStore(cached), namespace });
  const writer = new Keyv({ store: new KeyslotKeyvStore(plain), namespace });
  await writer.set('profile', { name: 'Ada' });
  const owner = await primaryOfKey(cluster, `${namespace}:profile`);

  const before = await getCalls(owner);
  for (let i = 0; i < 5; i++) expect(await reader.get('profile')).toEqual({ name: 'Ada' });
  expect((await getCalls(owner)) - before).toBe(1);
  expect(cached.cache!.stats().hits).toBe(4);

  await writer.set('profile', { name: 'Grace' });
  await cluster.waitFor(() => cached.cache!.stats().invalidations > 0, {
    timeoutMs: 5_000,
    message: 'the invalidation to reach the cached connection',
  });
  expect(await reader.get('profile')).toEqual({ name: 'Grace' });
  expect((await getCalls(owner)) - before).toBe(2);
});
