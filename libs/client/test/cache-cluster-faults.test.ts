// The client-side cache while the cluster changes, against real servers: a node's entries go with its lost,
// stuck-and-replaced connection; a slot's entries go when it changes owner (MOVED, resharding, failover, a killed
// primary). In each case a write that no invalidation announces to this client is then read fresh.
import { type DevCluster, startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, type ConnectionConfig } from '../src/index.js';
import { keysInSlot, slotOf, tagOn } from './cluster-helpers.js';

const FAST: ConnectionConfig = {
  commandTimeoutMs: 500,
  connectTimeoutMs: 500,
  backoff: { baseMs: 10, maxMs: 100 },
};

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

/** A cached connection whose every node is reached through a TcpProxy (to cut or silence its connections). */
async function behindProxies(): Promise<{ conn: ClusterConnection; proxies: Map<string, TcpProxy> }> {
  const proxies = new Map<string, TcpProxy>();
  for (const node of cluster.nodes) {
    const proxy = await TcpProxy.start(node);
    cleanups.push(() => proxy.close());
    proxies.set(node.address, proxy);
  }
  const natMap = Object.fromEntries(
    [...proxies].map(([address, proxy]) => [address, { host: '127.0.0.1', port: proxy.port }]),
  );
  const conn = await new ClusterClient(
    [...proxies.values()].map((proxy) => proxy.address),
    { natMap },
  ).getConnection({ ...FAST, cache: {}, topologyCheckIntervalMs: 600_000 });
  cleanups.push(() => conn.destroy());
  return { conn, proxies };
}

async function cachedConnection(config: { topologyCheckIntervalMs?: number } = {}) {
  const conn = await new ClusterClient(cluster.seeds).getConnection({
    cache: {},
    topologyCheckIntervalMs: 600_000,
    ...config,
  });
  cleanups.push(() => conn.destroy());
  return conn;
}

/** Resolves once `read()` gives `expected` (errors while the cluster heals count as not yet). */
function untilReads(read: () => Promise<unknown>, expected: unknown, message: string): Promise<void> {
  return cluster.waitFor(async () => (await read().catch(() => undefined)) === expected, {
    timeoutMs: 20_000,
    message,
  });
}

describe('a lost or replaced connection drops what it read', () => {
  it('a cut connection: its entries are dropped, and a write made while it was down is read fresh', async () => {
    const { conn, proxies } = await behindProxies();
    await cluster.refresh();
    const node = cluster.primaries[0]!;
    const key = `${tagOn(cluster, node, 'cut')}:k`;
    await cluster.admin(node, 'SET', key, 'before');
    expect(await conn.get(key)).toBe('before');
    expect(conn.cache!.stats().entries).toBe(1);
    const downs: string[] = [];
    conn.on('nodeDown', (address) => downs.push(address));
    // Refuse new connections first, so that the write below is made while this client has no connection at all.
    proxies.get(node.address)!.refuseNewConnections();
    proxies.get(node.address)!.cut();
    // The cluster connection knows the node by the proxy's address (natMap).
    const viaProxy = proxies.get(node.address)!.address;
    await cluster.waitFor(() => downs.includes(viaProxy), { timeoutMs: 5_000, message: 'nodeDown' });
    expect(conn.cache!.stats().entries).toBe(0);
    await cluster.admin(node, 'SET', key, 'after'); // no connection of this client can hear of it
    proxies.get(node.address)!.restore();
    await untilReads(() => conn.get(key), 'after', 'the fresh value after the reconnect');
  });

  it('a stuck connection replaced by the watchdog: its entries are dropped, so a write whose invalidation was swallowed is read fresh', async () => {
    const { conn, proxies } = await behindProxies();
    await cluster.refresh();
    const node = cluster.primaries[1]!;
    const proxy = proxies.get(node.address)!;
    const key = `${tagOn(cluster, node, 'stuck')}:k`;
    await cluster.admin(node, 'SET', key, 'before');
    expect(await conn.get(key)).toBe('before');
    proxy.blackhole();
    await cluster.admin(node, 'SET', key, 'after'); // its invalidation is lost in the black hole
    const downs: string[] = [];
    conn.on('nodeDown', (address) => downs.push(address));
    // A command that waits for a reply lets the watchdog see the connection is stuck.
    await conn.uncached.get(key).catch(() => undefined);
    await cluster.waitFor(() => downs.includes(proxy.address), {
      timeoutMs: 5_000,
      message: 'the watchdog to drop the stuck connection',
    });
    expect(conn.cache!.stats().entries).toBe(0);
    proxy.forwardNewConnections();
    await untilReads(() => conn.get(key), 'after', 'the fresh value through a new connection');
  });
});

describe('a slot that changes owner drops its entries', () => {
  it('resharding an empty slot (no key migrates, so no invalidation): the MOVED of any read of the slot drops it', async () => {
    const conn = await cachedConnection();
    await cluster.refresh();
    const from = cluster.primaries[0]!;
    const to = cluster.primaries[1]!;
    const slot = slotOf(`${tagOn(cluster, from, 'empty-slot')}`);
    const [missing, other] = keysInSlot(slot, 2, 'reshard-empty:');
    expect(await conn.get(missing!)).toBeNull(); // cached: the key does not exist
    await cluster.moveSlots([slot], to);
    await cluster.admin(to, 'SET', missing!, 'appeared'); // on the new owner: the old one never hears of it
    expect(await conn.get(missing!)).toBeNull(); // nothing has told this client yet (no refresh, no redirect)
    await conn.uncached.get(other!); // MOVED: the slot has a new owner
    expect(await conn.get(missing!)).toBe('appeared');
  });

  it('resharding an empty slot: a topology refresh that shows the new owner drops it', async () => {
    const conn = await cachedConnection({ topologyCheckIntervalMs: 200 });
    await cluster.refresh();
    const from = cluster.primaries[2]!;
    const to = cluster.primaries[0]!;
    const slot = slotOf(`${tagOn(cluster, from, 'refresh-slot')}`);
    const [missing] = keysInSlot(slot, 1, 'reshard-refresh:');
    expect(await conn.get(missing!)).toBeNull();
    await cluster.moveSlots([slot], to);
    await cluster.admin(to, 'SET', missing!, 'appeared');
    await untilReads(() => conn.get(missing!), 'appeared', 'the periodic refresh to drop the moved slot');
  });

  it('resharding a slot with keys: the migrated key is invalidated and read from its new owner', async () => {
    const conn = await cachedConnection();
    await cluster.refresh();
    const from = cluster.primaries[1]!;
    const to = cluster.primaries[2]!;
    const key = `${tagOn(cluster, from, 'reshard-full')}:k`;
    await cluster.admin(from, 'SET', key, 'v1');
    expect(await conn.get(key)).toBe('v1');
    await cluster.moveSlots([slotOf(key)], to);
    await cluster.admin(to, 'SET', key, 'v2');
    await untilReads(() => conn.get(key), 'v2', 'the write on the new owner');
  });

  it('CLUSTER FAILOVER: a write on the promoted replica is read fresh (the demoted primary invalidates as it replicates, the refresh drops the slot)', async () => {
    const conn = await cachedConnection({ topologyCheckIntervalMs: 200 });
    await cluster.refresh();
    const primary = cluster.primaries[0]!;
    const replica = cluster.replicasOf(primary)[0]!;
    const key = `${tagOn(cluster, primary, 'failover')}:k`;
    await cluster.admin(primary, 'SET', key, 'v1');
    expect(await conn.get(key)).toBe('v1');
    await cluster.failover(replica);
    await cluster.admin(replica, 'SET', key, 'v2');
    await untilReads(() => conn.get(key), 'v2', 'the write on the new primary');
  });

  it('a killed primary: its entries go with its connection, and after the promotion the write on the heir is read, never the old value', async () => {
    const conn = await cachedConnection({ topologyCheckIntervalMs: 200 });
    await cluster.refresh();
    const victim = cluster.primaries[1]!;
    const heir = cluster.replicasOf(victim)[0]!;
    const key = `${tagOn(cluster, victim, 'kill')}:k`;
    await cluster.admin(victim, 'SET', key, 'v1');
    await cluster.admin(victim, 'WAIT', 1, 1000);
    expect(await conn.get(key)).toBe('v1');
    const downs: string[] = [];
    conn.on('nodeDown', (address) => downs.push(address));
    await cluster.kill(victim);
    await cluster.waitFor(() => downs.includes(victim.address), { timeoutMs: 5_000, message: 'nodeDown' });
    expect(conn.cache!.stats().entries).toBe(0);
    await cluster.waitFor(async () => String(await cluster.admin(heir, 'ROLE')).startsWith('master'), {
      timeoutMs: 20_000,
      message: `${heir.address} to be promoted`,
    });
    await cluster.admin(heir, 'SET', key, 'v2');
    // Every read answered after the write's acknowledgement gives the new value.
    await cluster.waitFor(
      async () => {
        const value = await conn.get(key).catch(() => undefined);
        expect(value).not.toBe('v1');
        return value === 'v2';
      },
      { timeoutMs: 20_000, message: 'the write on the heir' },
    );
  });
});
