// Topology discovery and refresh, routing by hash slot, MOVED / ASK / TRYAGAIN, multi-key splitting, cross-slot
// refusal and keyless fan-out, against one real 3+3 cluster shared by every test of this file.
import { type DevCluster, type DevClusterNode, findFreePort, TcpProxy } from '@keyslot/dev-cluster';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClusterRequest } from '../src/cluster/cluster-request.js';
import type { NodeHandle } from '../src/cluster/node-handle.js';
import { slotRoute } from '../src/cluster/route.js';
import { topologyFromShards, topologyFromSlots } from '../src/cluster/topology.js';
import { discoverTopology } from '../src/cluster/topology-refresher.js';
import {
  ClusterClient,
  type ClusterConnection,
  ConnectionError,
  CrossSlotError,
  OutcomeUnknownError,
  ReplyError,
} from '../src/index.js';
import {
  callsOf,
  commandCalls,
  keysInSlot,
  settle,
  silentServer,
  slotOf,
  spreadKeys,
  tagOn,
  timed,
} from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
withCluster((started) => ({ cluster, conn } = started));

/** Slots `count` slots of `node` (the first of its first range). */
function slotsOf(node: DevClusterNode, count: number): number[] {
  const [start] = node.slots[0]!;
  return Array.from({ length: count }, (_, i) => start + i);
}

describe(onServer('1. topology discovery and refresh'), () => {
  it('discovers every node, role and slot range from the seeds, asking more than one node', async () => {
    await cluster.refresh();
    const before = await Promise.all(cluster.nodes.map((node) => callsOf(cluster, node, 'cluster|shards')));
    const fresh = await new ClusterClient(cluster.seeds).getConnection();
    try {
      const after = await Promise.all(cluster.nodes.map((node) => callsOf(cluster, node, 'cluster|shards')));
      const asked = after.filter((calls, i) => calls > before[i]!).length;
      expect(asked).toBeGreaterThanOrEqual(2);

      const snapshot = fresh.topology();
      expect(snapshot.coveredSlots).toBe(16384);
      expect(snapshot.nodes).toHaveLength(6);
      for (const primary of cluster.primaries) {
        const seen = snapshot.nodes.find((node) => node.address === primary.address)!;
        expect(seen).toMatchObject({
          role: 'primary',
          id: primary.id,
          slots: primary.slots.map((r) => [...r]),
        });
        const [replica] = cluster.replicasOf(primary);
        expect(snapshot.nodes.find((node) => node.address === replica!.address)).toMatchObject({
          role: 'replica',
          id: replica!.id,
          primary: primary.address,
          slots: [],
        });
      }
    } finally {
      await fresh.close();
    }
  });

  it('discovers the whole cluster from a single seed', async () => {
    const fresh = await new ClusterClient(cluster.seeds[4]!).getConnection();
    try {
      expect(fresh.topology().nodes).toHaveLength(6);
      expect(fresh.topology().coveredSlots).toBe(16384);
      await fresh.set('single-seed', 'v');
      expect(await fresh.get('single-seed')).toBe('v');
    } finally {
      await fresh.close();
    }
  });

  it('builds the same slot map from a real CLUSTER SLOTS reply (the fallback for servers without SHARDS)', async () => {
    const shards = await conn.call('CLUSTER', 'SHARDS');
    const fromShards = topologyFromShards(shards, '127.0.0.1')!;
    expect(fromShards).toBeDefined();
    for (const protocol of [2, 3] as const) {
      const other = await new ClusterClient(cluster.seeds, { protocol }).getConnection();
      try {
        const slots = await other.call('CLUSTER', 'SLOTS');
        const fromSlots = topologyFromSlots(slots, '127.0.0.1');
        expect(fromSlots.fingerprint).toBe(fromShards.fingerprint);
        expect(fromSlots.coveredSlots).toBe(16384);
        for (let slot = 0; slot < 16384; slot += 97) {
          expect(fromSlots.shardFor(slot)?.primary.address).toBe(cluster.ownerOf(slot)?.address);
        }
      } finally {
        await other.close();
      }
    }

    // The refresher asks CLUSTER SLOTS when a node does not know CLUSTER SHARDS, then CLUSTER NODES for health.
    const slotsReply = await conn.call('CLUSTER', 'SLOTS');
    const nodesReply = await conn.call('CLUSTER', 'NODES');
    const asked: string[] = [];
    const oldServer = {
      address: cluster.seeds[0]!,
      isUp: true,
      exec: async (command: { name: string; args: readonly unknown[] }) => {
        asked.push(`${command.name} ${command.args.join(' ')}`);
        if (command.args[0] === 'SHARDS')
          throw new ReplyError("ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.");
        return command.args[0] === 'NODES' ? nodesReply : slotsReply;
      },
    } as unknown as NodeHandle;
    const discovered = await discoverTopology([oldServer], 1000, undefined);
    expect(asked).toEqual(['CLUSTER SHARDS', 'CLUSTER SLOTS', 'CLUSTER NODES']);
    expect(discovered.fingerprint).toBe(fromShards.fingerprint);
    expect(discovered.shards.every((shard) => shard.primary.health === 'online')).toBe(true);
  });

  it('fails within the connect timeout, naming every seed node and why', async () => {
    const [a, b] = [await findFreePort(), await findFreePort()];
    const { value: refused, ms } = await timed(() =>
      settle(
        new ClusterClient([`127.0.0.1:${a}`, `127.0.0.1:${b}`]).getConnection({ connectTimeoutMs: 1000 }),
      ),
    );
    expect(refused.ok).toBe(false);
    expect(ms).toBeLessThan(1500);
    const message = refused.ok ? '' : refused.error.message;
    expect(message).toContain(`127.0.0.1:${a}`);
    expect(message).toContain(`127.0.0.1:${b}`);
    expect(message).toMatch(/ECONNREFUSED/);

    // One seed refuses, one accepts and never answers: still within the timeout, still naming both with a reason.
    const silent = await silentServer();
    try {
      const { value: mixed, ms: mixedMs } = await timed(() =>
        settle(
          new ClusterClient([`127.0.0.1:${a}`, `127.0.0.1:${silent.port}`]).getConnection({
            connectTimeoutMs: 600,
          }),
        ),
      );
      expect(mixed.ok).toBe(false);
      expect(mixedMs).toBeLessThan(1100);
      const text = mixed.ok ? '' : mixed.error.message;
      expect(text).toContain(`127.0.0.1:${a}`);
      expect(text).toContain(`127.0.0.1:${silent.port}`);
      expect(text).toMatch(/ECONNREFUSED/);
      expect(text).toMatch(new RegExp(`127\\.0\\.0\\.1:${silent.port}[^;]*(timed out|no answer|no reply)`));
    } finally {
      await silent.close();
    }
  });

  it('patches a moved slot at once on MOVED, without waiting for a refresh', async () => {
    await cluster.refresh();
    const [from, to] = cluster.primaries;
    const [slot] = slotsOf(from!, 1);
    const [key] = keysInSlot(slot!, 1, 'patch');
    const lazy = await new ClusterClient(cluster.seeds).getConnection({
      minRefreshIntervalMs: 60_000,
      topologyCheckIntervalMs: 600_000,
    });
    try {
      await lazy.set(key!, 'before');
      await cluster.moveSlots([slot!], to!);
      const start = lazy.stats();
      expect(await lazy.get(key!)).toBe('before');
      const afterFirst = lazy.stats();
      expect(afterFirst.redirects).toBe(start.redirects + 1);
      for (let i = 0; i < 20; i++) expect(await lazy.get(key!)).toBe('before');
      const afterMore = lazy.stats();
      expect(afterMore.redirects).toBe(afterFirst.redirects);
      expect(afterMore.refreshes).toBe(start.refreshes);
    } finally {
      await lazy.close();
    }
  });

  it('keeps refreshes single-flight and rate-limited during a burst of MOVEDs', async () => {
    await cluster.refresh();
    const [from, to] = [cluster.primaries[1]!, cluster.primaries[2]!];
    const slots = slotsOf(from, 40);
    const keys = slots.flatMap((slot) => keysInSlot(slot, 5, 'burst'));
    const burst = await new ClusterClient(cluster.seeds).getConnection();
    try {
      await Promise.all(keys.map((key) => burst.set(key, key)));
      await cluster.moveSlots(slots, to);
      const start = burst.stats();
      const values = await Promise.all(
        Array.from({ length: 5 }, () => keys.map((key) => burst.get(key))).flat(),
      );
      expect(values).toEqual(Array.from({ length: 5 }, () => keys).flat());
      const end = burst.stats();
      expect(end.redirects - start.redirects).toBeGreaterThan(0);
      expect(end.refreshes - start.refreshes).toBeLessThanOrEqual(3);
    } finally {
      await burst.close();
    }
  });

  it('refreshes after a lost connection and periodically', async () => {
    const watcher = await new ClusterClient(cluster.seeds).getConnection({ topologyCheckIntervalMs: 150 });
    try {
      const start = watcher.stats().refreshes;
      await cluster.waitFor(() => watcher.stats().refreshes >= start + 3, {
        timeoutMs: 5000,
        message: 'periodic refreshes',
      });
    } finally {
      await watcher.close();
    }

    const lossy = await new ClusterClient(cluster.seeds).getConnection({ topologyCheckIntervalMs: 600_000 });
    try {
      await cluster.refresh();
      const node = cluster.primaries[0]!;
      const key = keysInSlot(slotsOf(node, 1)[0]!, 1, 'loss')[0]!;
      await lossy.set(key, '1');
      const downs: string[] = [];
      lossy.on('nodeDown', (address) => downs.push(address));
      const start = lossy.stats();
      await cluster.admin(node, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await cluster.waitFor(() => lossy.stats().refreshes > start.refreshes, {
        timeoutMs: 5000,
        message: 'a refresh after the connection was lost',
      });
      expect(downs).toContain(node.address);
      expect(lossy.stats().disconnects).toBeGreaterThan(start.disconnects);
      expect(await lossy.get(key)).toBe('1');
      expect(lossy.stats().reconnects).toBeGreaterThan(start.reconnects);
    } finally {
      await lossy.close();
    }
  });

  it('falls back to the seed nodes when no known node answers', async () => {
    await cluster.refresh();
    const proxies = new Map<number, TcpProxy>();
    for (const node of cluster.nodes) proxies.set(node.port, await TcpProxy.start(node));
    // The cluster announces its own addresses; the client reaches them only through the proxies.
    const natted = new ClusterClient(cluster.seeds, {
      natMap: ({ port }) => ({ host: '127.0.0.1', port: proxies.get(port)?.port ?? port }),
    });
    const viaProxies = await natted.getConnection({ topologyCheckIntervalMs: 600_000 });
    const errors: Error[] = [];
    viaProxies.on('error', (error) => errors.push(error));
    try {
      expect(
        viaProxies
          .topology()
          .nodes.every((node) => [...proxies.values()].some((p) => p.address === node.address)),
      ).toBe(true);
      await viaProxies.set('seed-fallback', 'v');
      const seedCalls = await Promise.all(
        cluster.nodes.map((node) => callsOf(cluster, node, 'cluster|shards')),
      );
      const refreshes = viaProxies.stats().refreshes;
      for (const proxy of proxies.values()) {
        proxy.refuseNewConnections();
        proxy.cut();
      }
      // Every known node is unreachable now: the refresh that follows the lost connections asks the seeds.
      await cluster.waitFor(
        async () => {
          const now = await Promise.all(
            cluster.nodes.map((node) => callsOf(cluster, node, 'cluster|shards')),
          );
          return viaProxies.stats().refreshes > refreshes && now.some((calls, i) => calls > seedCalls[i]!);
        },
        { timeoutMs: 10_000, message: 'a refresh answered by a seed node' },
      );
      expect(viaProxies.topology().coveredSlots).toBe(16384);
      for (const proxy of proxies.values()) proxy.restore();
      expect(await viaProxies.get('seed-fallback')).toBe('v');
    } finally {
      viaProxies.destroy();
      for (const proxy of proxies.values()) await proxy.close();
    }
  });
});

describe(onServer('2. routing by hash slot, redirects and retries'), () => {
  it('sends each key to the primary of its slot; keys sharing a hash tag share a node', async () => {
    await cluster.refresh();
    const keys = [...spreadKeys(60, 'route:'), '{user1}:a', '{user1}:b', '{user1}:c'];
    await Promise.all(keys.map((key) => conn.set(key, `v-${key}`)));
    for (const key of keys) {
      const serverSlot = Number(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'KEYSLOT', key));
      expect(slotOf(key)).toBe(serverSlot);
      const owner = cluster.ownerOf(serverSlot)!;
      // The owner has it (read without redirection), and onNode reaches it there.
      expect(String(await cluster.admin(owner, 'GET', key))).toBe(`v-${key}`);
      expect(await conn.onNode(owner.address, { name: 'GET', args: [key] })).toBe(`v-${key}`);
    }
    const tagged = ['{user1}:a', '{user1}:b', '{user1}:c'].map(slotOf);
    expect(new Set(tagged).size).toBe(1);
    const owners = new Set(keys.slice(0, 60).map((key) => cluster.ownerOf(slotOf(key))!.address));
    expect(owners.size).toBe(3);
  });

  it('follows ASK (with ASKING) while a slot migrates, and TRYAGAIN until the migration ends', async () => {
    await cluster.refresh();
    const [source, target] = [cluster.primaries[0]!, cluster.primaries[1]!];
    const tag = tagOn(cluster, source, 'ask');
    const slot = slotOf(tag);
    const [moved, stays, created] = [`${tag}:moved`, `${tag}:stays`, `${tag}:created`];
    await conn.set(moved, 'm');
    await conn.set(stays, 's');
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', moved);

    const askingBefore = await callsOf(cluster, target, 'asking');
    const start = conn.stats();
    expect(await conn.get(moved)).toBe('m');
    expect(await conn.get(stays)).toBe('s');
    expect(await conn.set(created, 'c')).toBe('OK');
    expect(conn.stats().redirects - start.redirects).toBe(2);
    expect(await callsOf(cluster, target, 'asking')).toBe(askingBefore + 2);
    // The new key was created on the importing node, as ASK told.
    expect(Number(await cluster.admin(target, 'CLUSTER', 'COUNTKEYSINSLOT', slot))).toBe(2);

    // A multi-key command whose keys are split between the two nodes gets TRYAGAIN: it waits and retries
    // (within its deadline) until the migration is over.
    const retriesBefore = conn.stats().retries;
    const mget = conn.mget(moved, stays);
    await cluster.waitFor(() => conn.stats().retries > retriesBefore, {
      timeoutMs: 5000,
      message: 'MGET to be retried after TRYAGAIN',
    });
    await cluster.moveSlots([slot], target);
    expect(await mget).toEqual(['m', 's']);
    expect(cluster.ownerOf(slot)?.id).toBe(target.id);
    expect(await conn.get(created)).toBe('c');
  });
});

// A unit test among the server suites: its title still names the server the file runs on.
const retryableRepliesTitle =
  '2. retryable replies (unit: LOADING cannot be produced on demand against a real cluster)';
describe(onServer(retryableRepliesTitle), () => {
  function fakeRouter() {
    const calls: string[] = [];
    const router = {
      retryWrites: false,
      maxRedirects: 16,
      route: () => calls.push('route'),
      redirect: (_r: unknown, reply: Error) => calls.push(`redirect ${reply.message}`),
      resend: () => calls.push('resend'),
      retryLater: (_r: unknown, refresh: boolean) => calls.push(`retryLater refresh=${refresh}`),
      describeState: () => '',
      nodeError: () => undefined,
      requestStarted: () => {},
      requestEnded: () => {},
    };
    return { router, calls };
  }

  it.each([
    ['LOADING Redis is loading the dataset in memory', false],
    ['TRYAGAIN Multiple keys request during rehashing of slot', false],
    ['CLUSTERDOWN The cluster is down', true],
    ['MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no', true],
  ])('waits out "%s" and retries (refreshing the topology: %s), then resolves', async (reply, refresh) => {
    const { router, calls } = fakeRouter();
    const request = new ClusterRequest<string>(
      'INCR',
      '',
      false,
      undefined,
      slotRoute(42, false),
      router,
      1000,
    );
    request.written = true;
    request.onReply(new ReplyError(reply), '127.0.0.1:7000');
    expect(request.done).toBe(false);
    expect(request.written).toBe(false); // it did not run: a later connection loss may re-send it
    expect(calls).toEqual([`retryLater refresh=${refresh}`]);
    request.onReply('ok', '127.0.0.1:7001');
    await expect(request.promise).resolves.toBe('ok');
  });

  it('a connection lost before the command ran routes it again at once (to wait for its node), with no backoff timer of its own', async () => {
    const { router, calls } = fakeRouter();
    const request = new ClusterRequest<string>(
      'INCR',
      '',
      false,
      undefined,
      slotRoute(42, false),
      router,
      1000,
    );
    request.onFailure(
      new ConnectionError('connect ECONNREFUSED 127.0.0.1:7000', '127.0.0.1:7000'),
      '127.0.0.1:7000',
    );
    expect(calls).toEqual(['resend']);
    expect(request.done).toBe(false);
    request.written = true;
    request.onFailure(new ConnectionError('socket closed', '127.0.0.1:7000'), '127.0.0.1:7000');
    await expect(request.promise).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(calls).toEqual(['resend']);
  });

  it('hands any other error reply to the caller with the command and node', async () => {
    const { router, calls } = fakeRouter();
    const request = new ClusterRequest<string>(
      'INCR',
      '',
      false,
      undefined,
      slotRoute(42, false),
      router,
      1000,
    );
    request.onReply(
      new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
      'n:1',
    );
    await expect(request.promise).rejects.toMatchObject({
      prefix: 'WRONGTYPE',
      command: 'INCR',
      node: 'n:1',
    });
    expect(calls).toEqual([]);
  });
});

const crossSlotTitle =
  '6. multi-key commands split per slot; other cross-slot commands refused before sending';
describe(onServer(crossSlotTitle), () => {
  it('splits MGET, MSET, DEL, UNLINK, EXISTS and TOUCH per slot and merges in key order', async () => {
    const keys = spreadKeys(40, 'split:');
    const pairs = Object.fromEntries(keys.map((key) => [key, `value-${key}`]));
    expect(await conn.mset(pairs)).toBe('OK');
    await cluster.refresh();
    for (const key of keys) {
      expect(String(await cluster.admin(cluster.ownerOf(slotOf(key))!, 'GET', key))).toBe(`value-${key}`);
    }
    const asked = ['split:missing', ...keys.slice().reverse(), keys[3]!];
    expect(await conn.mget(asked)).toEqual([
      null,
      ...keys
        .slice()
        .reverse()
        .map((k) => `value-${k}`),
      `value-${keys[3]}`,
    ]);
    expect(await conn.exists([...keys, keys[0]!, 'split:missing'])).toBe(41);
    expect(await conn.touch(keys)).toBe(40);
    expect(await conn.del(keys.slice(0, 10))).toBe(10);
    expect(await conn.unlink([...keys.slice(5, 20), 'split:missing'])).toBe(10);
    expect(await conn.exists(keys)).toBe(20);
    expect(await conn.mget(keys.slice(18, 22))).toEqual([null, null, 'value-split:20', 'value-split:21']);
  });

  it('refuses SUNION and RENAME across slots before sending, naming the slots and suggesting a hash tag', async () => {
    await cluster.refresh();
    const before = conn.stats().commands;
    const calls = await Promise.all(cluster.primaries.map((node) => commandCalls(cluster, node)));
    const sunion = await settle(conn.sunion(['set:a', 'set:b']));
    const rename = await settle(conn.rename('name:a', 'name:b'));
    for (const [outcome, keys] of [
      [sunion, ['set:a', 'set:b']],
      [rename, ['name:a', 'name:b']],
    ] as const) {
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error).toBeInstanceOf(CrossSlotError);
      expect(outcome.error.code).toBe('ERR_KEYSLOT_CROSS_SLOT');
      const slots = keys.map(slotOf).sort((a, b) => a - b);
      expect((outcome.error as CrossSlotError).slots).toEqual(slots);
      for (const slot of slots) expect(outcome.error.message).toContain(String(slot));
      expect(outcome.error.message).toMatch(/hash tag/);
    }
    expect(conn.stats().commands).toBe(before);
    const after = await Promise.all(cluster.primaries.map((node) => commandCalls(cluster, node)));
    after.forEach((stats, i) => {
      expect(stats.get('sunion') ?? 0).toBe(calls[i]!.get('sunion') ?? 0);
      expect(stats.get('rename') ?? 0).toBe(calls[i]!.get('rename') ?? 0);
    });
    // With a hash tag they work.
    await conn.sadd('{s}a', 'x');
    await conn.sadd('{s}b', 'y');
    expect((await conn.sunion(['{s}a', '{s}b'])).sort()).toEqual(['x', 'y']);
    await conn.set('{n}a', '1');
    expect(await conn.rename('{n}a', '{n}b')).toBe('OK');
  });
});

describe(onServer('7. keyless commands fan out with the documented aggregation'), () => {
  it('DBSIZE sums, KEYS concatenates, PING/FLUSHDB/FLUSHALL all succeed, INFO per node', async () => {
    await conn.flushall();
    await cluster.refresh();
    for (const primary of cluster.primaries) expect(Number(await cluster.admin(primary, 'DBSIZE'))).toBe(0);
    const keys = spreadKeys(30, 'fan:');
    await conn.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    const sizes = await Promise.all(cluster.primaries.map((node) => cluster.admin(node, 'DBSIZE')));
    expect(sizes.every((size) => Number(size) > 0)).toBe(true);
    expect(await conn.dbsize()).toBe(30);
    expect((await conn.keys('fan:*')).sort()).toEqual(keys.slice().sort());
    expect(await conn.ping()).toBe('PONG');

    // INFO goes to every node: the typed method says so (a record of texts), and so do batches and `call`.
    const info = await conn.info('server');
    expectTypeOf(info).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(conn.buffers.info()).resolves.toEqualTypeOf<Record<string, string>>();
    expect(Object.keys(info).sort()).toEqual(cluster.seeds.slice().sort());
    for (const node of cluster.nodes) expect(info[node.address]).toContain(`tcp_port:${node.port}`);
    const batch = conn.batch();
    const batched = batch.info('server');
    await batch.exec();
    expect(Object.keys(await batched).sort()).toEqual(cluster.seeds.slice().sort());
    const called = (await conn.call('INFO', 'server')) as Record<string, string>;
    for (const node of cluster.nodes) expect(called[node.address]).toContain(`tcp_port:${node.port}`);

    expect(await conn.flushdb()).toBe('OK');
    expect(await conn.dbsize()).toBe(0);
    await conn.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    expect(await conn.flushall()).toBe('OK');
    for (const primary of cluster.primaries) expect(Number(await cluster.admin(primary, 'DBSIZE'))).toBe(0);
  });

  it('SCRIPT LOAD reaches every node; SCRIPT EXISTS is true only where every node has the script', async () => {
    const lua = `return 'fan-out ${Date.now()}'`;
    const loadedOnOne = String(await cluster.admin(cluster.primaries[0]!, 'SCRIPT', 'LOAD', lua));
    expect(await conn.scriptExists(loadedOnOne)).toEqual([false]);
    const sha = await conn.scriptLoad(lua);
    expect(sha).toBe(loadedOnOne);
    for (const node of cluster.nodes) expect(await cluster.admin(node, 'SCRIPT', 'EXISTS', sha)).toEqual([1]);
    expect(await conn.scriptExists(sha, 'ffffffffffffffffffffffffffffffffffffffff')).toEqual([true, false]);
  });

  it('onNode and onEachPrimary route explicitly', async () => {
    await cluster.refresh();
    for (const node of cluster.nodes) {
      expect(await conn.onNode(node.address, { name: 'CLUSTER', args: ['MYID'] })).toBe(node.id);
    }
    const ids = await conn.onEachPrimary<string>({ name: 'CLUSTER', args: ['MYID'] });
    expect(ids).toEqual(Object.fromEntries(cluster.primaries.map((node) => [node.address, node.id])));
    const start = conn.stats().commands;
    const unknown = await timed(() => settle(conn.onNode('127.0.0.1:1', { name: 'PING', args: [] })));
    expect(unknown.ms).toBeLessThan(1000);
    expect(unknown.value.ok === false && unknown.value.error.message).toMatch(
      /127\.0\.0\.1:1 is not a node of the cluster/,
    );
    expect(conn.stats().commands).toBe(start);
  });
});
