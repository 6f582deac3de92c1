// Connections that stay open but stop delivering replies, against real redis-servers: a network path that swallows
// every byte with no reset ever (a TcpProxy black hole, then only new connections forwarded), and the cases that
// must not be taken for it: a slow link that keeps delivering, and a blocking command ahead of timed-out ones.
import {
  type DevCluster,
  type DevStandalone,
  startCluster,
  startStandalone,
  TcpProxy,
  waitFor,
} from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, type ConnectionConfig, TimeoutError } from '../src/index.js';
import { settle, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { untilBlocked } from './support/until-blocked.js';

/** Short deadlines and fast reconnects: a stuck connection is noticed after half a second of silence. */
const FAST: ConnectionConfig = {
  commandTimeoutMs: 500,
  connectTimeoutMs: 500,
  backoff: { baseMs: 10, maxMs: 100 },
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TIMED_OUT = { ok: false, error: expect.any(TimeoutError) };

/** True once `read()` gives `expected`; errors (timeouts while the path is silent) count as not yet. */
async function serves(read: () => Promise<unknown>, expected: unknown): Promise<boolean> {
  return (await read().catch(() => undefined)) === expected;
}

async function proxyTo(target: { host: string; port: number }): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(target);
  cleanups.push(() => proxy.close());
  return proxy;
}

describe(onServer('a standalone server'), () => {
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function managerFor(port: number, config: ConnectionConfig = FAST) {
    const manager = await new Client({ host: '127.0.0.1', port }).getConnectionManager(config);
    cleanups.push(() => manager.destroy());
    return manager;
  }

  it('behind a path that goes silent for good (no reset): the ConnectionManager replaces the connection and serves again', async () => {
    const proxy = await proxyTo(server);
    const manager = await managerFor(proxy.port);
    await manager.set('half-open', 'value');
    proxy.blackhole();
    expect(await settle(manager.get('half-open'))).toEqual(TIMED_OUT);
    // New connections get through again; the black-holed one stays open and silent, and is never reset.
    proxy.forwardNewConnections();
    await waitFor(() => serves(() => manager.get('half-open'), 'value'), {
      timeoutMs: 10_000,
      message: 'the manager to serve again through a new connection',
    });
    expect(proxy.stats().cut).toBe(0);
    expect(proxy.stats().accepted).toBeGreaterThan(1);
  });

  it('a slow link that keeps delivering is not replaced: a big reply and the commands queued behind it time out, the connection stays, replies stay matched', async () => {
    const proxy = await proxyTo(server);
    const manager = await managerFor(proxy.port, { ...FAST, commandTimeoutMs: 1_000 });
    await manager.set('big', 'x'.repeat(300_000));
    await manager.set('small', 'its value');
    const id = await manager.call('CLIENT', 'ID');
    // 200 kB/s: the big reply alone takes 1.5 s to arrive, for a 1 s deadline, but a slice comes every 10 ms.
    proxy.limitRate(200_000);
    const results = await Promise.all([
      settle(manager.get('big')),
      ...Array.from({ length: 20 }, () => settle(manager.get('small'))),
    ]);
    for (const result of results) expect(result).toEqual(TIMED_OUT);
    expect(await manager.call('CLIENT', 'ID')).toBe(id); // the same connection
    expect(await manager.get('small')).toBe('its value'); // the late replies were read and dropped
    proxy.limitRate(undefined);
    expect(proxy.stats().accepted).toBe(1);
  });

  it('a blocking command ahead of commands that time out is not taken for a stuck connection', async () => {
    const manager = await managerFor(server.port);
    await server.admin('DEL', 'stuck:jobs');
    const popped = await manager.watch(['stuck:watched'], async (dedicated) => {
      // A BLPOP with its own, longer, deadline (as DedicatedConnections gives it), and behind it a PING whose
      // 500 ms deadline passes while the server blocks.
      const blpop = settle(dedicated.execHere({ name: 'BLPOP', args: ['stuck:jobs', '5'] }, 5_500));
      await untilBlocked(manager);
      expect(await settle(dedicated.ping())).toEqual(TIMED_OUT);
      // Nothing arrives for twice the silence limit more: a watchdog that ignored the BLPOP would drop the
      // connection meanwhile.
      const dropped = await waitFor(() => !dedicated.isOpen, { timeoutMs: 1_000, intervalMs: 10 }).then(
        () => true,
        () => false,
      );
      expect(dropped).toBe(false);
      await server.admin('LPUSH', 'stuck:jobs', 'job');
      return blpop;
    });
    expect(popped).toEqual({ ok: true, value: ['stuck:jobs', 'job'] });
  });
});

describe(onServer('a cluster'), () => {
  let cluster: DevCluster;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a node behind a path that goes silent for good (no reset): the ClusterConnection replaces its connection and serves the shard again', async () => {
    const proxies = new Map<string, TcpProxy>();
    for (const node of cluster.nodes) proxies.set(node.address, await proxyTo(node));
    const natMap = Object.fromEntries(
      [...proxies].map(([address, proxy]) => [address, { host: '127.0.0.1', port: proxy.port }]),
    );
    const conn = await new ClusterClient(
      [...proxies.values()].map((proxy) => proxy.address),
      { natMap },
    ).getConnection({ ...FAST, topologyCheckIntervalMs: 600_000 });
    cleanups.push(() => conn.destroy());
    const victim = cluster.primaries[0]!;
    const proxy = proxies.get(victim.address)!;
    const key = `${tagOn(cluster, victim, 'half-open')}:key`;
    await conn.set(key, 'value');
    const downs: { address: string; error: Error | undefined }[] = [];
    conn.on('nodeDown', (address, error) => downs.push({ address, error }));

    proxy.blackhole();
    expect(await settle(conn.get(key))).toEqual(TIMED_OUT);
    proxy.forwardNewConnections();
    await waitFor(() => serves(() => conn.get(key), 'value'), {
      timeoutMs: 10_000,
      message: 'the cluster connection to serve the shard again',
    });
    expect(proxy.stats().cut).toBe(0);
    // The silent connection was dropped as stuck, naming the node; the router then reconnected.
    const stuck = downs.find((down) => down.address === proxy.address);
    expect(stuck?.error?.message).toMatch(/is stuck: nothing was read for \d+ ms/);
    expect(stuck?.error?.message).toContain(proxy.address);
  });
});
