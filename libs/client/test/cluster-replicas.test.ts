// readFrom: where reads land (primary, replicas round-robin), falling back to the primary when a shard has no
// replica left, and MASTERDOWN from a replica cut off from its primary, waited out. One 3+3 cluster of its own;
// the later tests kill nodes, so the order matters.
import { type DevCluster, type DevClusterNode, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, type ReadFrom } from '../src/index.js';
import { callsOf, settle, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';

let cluster: DevCluster;
const open: ClusterConnection[] = [];

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  for (const conn of open) conn.destroy();
  await cluster?.stop();
});

async function connect(
  readFrom: ReadFrom,
  commandTimeoutMs = 5000,
  topologyCheckIntervalMs = 30_000,
): Promise<ClusterConnection> {
  const conn = await new ClusterClient(cluster.seeds).getConnection({
    readFrom,
    commandTimeoutMs,
    topologyCheckIntervalMs,
  });
  open.push(conn);
  return conn;
}

/** GET calls on each node while `work` runs. */
async function getsDuring(nodes: readonly DevClusterNode[], work: () => Promise<unknown>): Promise<number[]> {
  const before = await Promise.all(nodes.map((node) => callsOf(cluster, node, 'get')));
  await work();
  const after = await Promise.all(nodes.map((node) => callsOf(cluster, node, 'get')));
  return after.map((calls, i) => calls - before[i]!);
}

describe(onServer('3. readFrom'), () => {
  it("'primary' sends reads and writes to the primary", async () => {
    await cluster.refresh();
    const primary = cluster.primaries[0]!;
    const [replica] = cluster.replicasOf(primary);
    const key = `${tagOn(cluster, primary, 'rp')}:k`;
    const conn = await connect('primary');
    await conn.set(key, 'v');
    const gets = await getsDuring([primary, replica!], () =>
      Promise.all(Array.from({ length: 50 }, () => conn.get(key))),
    );
    expect(gets).toEqual([50, 0]);
  });

  it.each(['replica', 'preferReplica'] as const)(
    "'%s' sends reads to the replica and writes to the primary",
    async (readFrom) => {
      await cluster.refresh();
      const primary = cluster.primaries[1]!;
      const [replica] = cluster.replicasOf(primary);
      const key = `${tagOn(cluster, primary, readFrom)}:k`;
      const conn = await connect(readFrom);
      const sets = await callsOf(cluster, primary, 'set');
      await conn.set(key, 'v');
      expect(await callsOf(cluster, primary, 'set')).toBe(sets + 1);
      // The replica may need a moment to receive the write; wait until it answers with it.
      await cluster.waitFor(async () => (await conn.get(key)) === 'v', {
        timeoutMs: 5000,
        message: 'replication',
      });
      const gets = await getsDuring([primary, replica!], () =>
        Promise.all(Array.from({ length: 50 }, () => conn.get(key))),
      );
      expect(gets).toEqual([0, 50]);
      const list = String(await cluster.admin(replica!, 'CLIENT', 'LIST'));
      expect(list).toMatch(/flags=r/); // a READONLY client connection
    },
  );

  it('round-robins reads over the replicas of a shard', async () => {
    await cluster.refresh();
    const primary = cluster.primaries[0]!;
    await cluster.addReplica(primary);
    const replicas = cluster.replicasOf(primary);
    expect(replicas).toHaveLength(2);
    const key = `${tagOn(cluster, primary, 'rr')}:k`;
    const conn = await connect('replica');
    expect(conn.topology().nodes.filter((n) => n.primary === primary.address)).toHaveLength(2);
    await conn.set(key, 'v');
    await cluster.waitFor(
      async () => {
        for (const replica of replicas) {
          await cluster.admin(replica, 'READONLY');
          if (String(await cluster.admin(replica, 'GET', key)) !== 'v') return false;
        }
        return true;
      },
      { timeoutMs: 5000, message: 'both replicas to have the key' },
    );
    const gets = await getsDuring([primary, ...replicas], async () => {
      for (let i = 0; i < 100; i++) expect(await conn.get(key)).toBe('v');
    });
    expect(gets[0]).toBe(0);
    expect(gets[1]).toBe(50);
    expect(gets[2]).toBe(50);
  });

  it('falls back to the primary when a shard has no replica left', async () => {
    await cluster.refresh();
    const primary = cluster.primaries[0]!;
    const replicas = cluster.replicasOf(primary);
    const key = `${tagOn(cluster, primary, 'fb')}:k`;
    // A read falls back to the primary at once when its replica cannot be reached; the cluster's word that the
    // replica failed reaches the client at its next topology check.
    const prefer = await connect('preferReplica', 5000, 500);
    const only = await connect('replica', 5000, 500);
    await prefer.set(key, 'v');
    await cluster.waitFor(async () => (await only.get(key)) === 'v', {
      timeoutMs: 5000,
      message: 'replication',
    });

    // Reads keep flowing while the replicas die and the cluster notices.
    let reading = true;
    const outcomes: { readFrom: ReadFrom; ok: boolean; error?: string }[] = [];
    const readers = ([prefer, only] as const).map(async (conn, i) => {
      const readFrom: ReadFrom = i === 0 ? 'preferReplica' : 'replica';
      while (reading) {
        const outcome = await settle(conn.get(key));
        outcomes.push({ readFrom, ok: outcome.ok, error: outcome.ok ? undefined : outcome.error.message });
        // A read that fails without I/O settles in a microtask: yield, or this loop starves the timers it waits on.
        if (!outcome.ok) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    for (const replica of replicas) await cluster.kill(replica);
    // The dead replicas stay listed, as failed and not routed to: the client routes to no replica of the shard.
    await cluster.waitFor(
      () => !only.topology().nodes.some((n) => n.primary === primary.address && n.routed),
      {
        timeoutMs: 15_000,
        message: 'the client to route to no replica of the shard',
      },
    );
    reading = false;
    await Promise.all(readers);
    const failures = outcomes.filter((o) => !o.ok);
    console.log(
      `[readFrom fallback] reads ${outcomes.length}, failures ${JSON.stringify(failures.slice(0, 5))} (${failures.length})`,
    );
    expect(failures.filter((o) => o.readFrom === 'preferReplica')).toEqual([]);
    expect(failures).toEqual([]);
    for (const conn of [prefer, only]) {
      const gets = await getsDuring([primary], () =>
        Promise.all(Array.from({ length: 20 }, () => conn.get(key))),
      );
      expect(gets).toEqual([20]);
    }
  });
});

describe(onServer('2. MASTERDOWN (and CLUSTERDOWN) while a primary is replaced'), () => {
  it('waits out MASTERDOWN from a replica cut off from its primary, within the deadline', async () => {
    await cluster.refresh();
    const primary = cluster.primaries[1]!;
    const [replica] = cluster.replicasOf(primary);
    await cluster.admin(replica!, 'CONFIG', 'SET', 'replica-serve-stale-data', 'no');
    const key = `${tagOn(cluster, primary, 'md')}:k`;
    const conn = await connect('replica', 10_000);
    await conn.set(key, 'v');
    await cluster.waitFor(async () => (await conn.get(key)) === 'v', {
      timeoutMs: 5000,
      message: 'replication',
    });

    const masterDownSeen = cluster
      .waitFor(
        async () => {
          try {
            await cluster.adminWithTimeout(replica!, 1000, 'READONLY');
            await cluster.adminWithTimeout(replica!, 1000, 'GET', key);
            return false;
          } catch (error) {
            return /MASTERDOWN/.test((error as Error).message);
          }
        },
        { timeoutMs: 15_000, intervalMs: 20, message: 'a MASTERDOWN reply from the replica' },
      )
      .then(
        () => true,
        () => false,
      );
    // A connection with no traffic at all, and the periodic check 30 s away: it learns of the promotion by itself.
    const idle = await connect('primary');
    const retries = conn.stats().retries;
    await cluster.kill(primary);
    const reads = await Promise.all(Array.from({ length: 20 }, () => settle(conn.get(key))));
    expect(await masterDownSeen).toBe(true);
    expect(reads.filter((r) => !r.ok)).toEqual([]);
    expect(reads.every((r) => r.ok && r.value === 'v')).toBe(true);
    expect(conn.stats().retries).toBeGreaterThan(retries);
    await cluster.waitFor(
      () => idle.topology().nodes.some((n) => n.address === replica!.address && n.role === 'primary'),
      { timeoutMs: 5000, message: 'the idle connection to see the promoted replica' },
    );
    expect(idle.stats().commands).toBe(0);
  });
});
