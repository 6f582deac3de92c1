// What commands waiting for a node that is down keep and cost, against a real 3-primary cluster whose nodes are
// SIGKILLed (a long node timeout keeps the others serving meanwhile): ASKING queued for a dead ASK target, the
// reason a waiting command's timeout gives, and the dials of a dead node that had answered CLUSTERDOWN.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeHandle } from '../src/cluster/node-handle.js';
import type { ClusterRouter } from '../src/cluster/router.js';
import { ClusterClient, type ClusterConnection, TimeoutError } from '../src/index.js';
import { settle, slotOf, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';

/** The handle of a node, to read what it keeps (internal: nothing public counts retained requests). */
function handleOf(conn: ClusterConnection, address: string): NodeHandle {
  return (conn as unknown as { router: ClusterRouter }).router.nodeHandles().get(address)!;
}

describe(onServer('commands waiting for a SIGKILLed node'), () => {
  let cluster: DevCluster;
  /** Commands time out after 200 ms here. */
  let short: ClusterConnection;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0, nodeTimeoutMs: 30_000 });
    short = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 200 });
  });
  afterAll(async () => {
    short?.destroy();
    await cluster?.stop();
  });

  it('a dead node that answered CLUSTERDOWN is dialled on its reconnect schedule only, not by each probe', async () => {
    const node = cluster.primaries[1]!;
    const conn = await new ClusterClient(cluster.seeds).getConnection({
      commandTimeoutMs: 1500,
      // Its own reconnect schedule dials about once a second: what the probes would add stands out.
      backoff: { baseMs: 2000, maxMs: 2000 },
    });
    try {
      const key = `${tagOn(cluster, node, 'down')}:k`;
      await conn.set(key, 'v');
      // One slot of its own given up: the node reads cluster_state:fail and answers CLUSTERDOWN.
      const [first, last] = node.slots[0]!;
      await cluster.admin(node, 'CLUSTER', 'DELSLOTS', slotOf(key) === first ? last : first);
      await cluster.waitFor(
        async () => /cluster_state:fail/.test(String(await cluster.admin(node, 'CLUSTER', 'INFO'))),
        {
          timeoutMs: 5000,
          message: 'the node to read cluster_state:fail',
        },
      );
      const retries = conn.stats().retries;
      const held = settle(conn.get(key));
      await cluster.waitFor(() => conn.stats().retries > retries, {
        timeoutMs: 5000,
        message: 'the GET to be held after CLUSTERDOWN',
      });
      await cluster.kill(node);
      const handle = handleOf(conn, node.address);
      await cluster.waitFor(() => !handle.isUp, { timeoutMs: 5000, message: 'the connection to be lost' });
      const dials = conn.stats().dials;
      // A window to count dials in (not a synchronisation). Its schedule dials it about once in it, and each
      // refresh of the map (which still lists it up) once: about 3 (at most 4 measured). A probe every 100 ms would add about 10 (12 and 15 measured).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(conn.stats().dials - dials).toBeLessThanOrEqual(8);
      expect((await held).ok).toBe(false);
    } finally {
      conn.destroy();
    }
  });

  it('an ASK-redirected command queued with its ASKING on a dead target keeps nothing alive once it timed out', async () => {
    const [source, target] = [cluster.primaries[0]!, cluster.primaries[2]!];
    const asked = `${tagOn(cluster, source, 'ask')}:k`;
    const onTarget = `${tagOn(cluster, target, 'dead')}:k`;
    await short.set(asked, 'v');
    await short.set(onTarget, 'v'); // the target's connection is open, then lost
    const slot = slotOf(asked);
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', asked);
    await cluster.kill(target);
    const handle = handleOf(short, target.address);
    await cluster.waitFor(() => !handle.isUp, {
      timeoutMs: 5000,
      message: 'the target connection to be lost',
    });

    const redirects = short.stats().redirects;
    const askedGet = settle(short.get(asked));
    await cluster.waitFor(() => short.stats().redirects > redirects, {
      timeoutMs: 5000,
      message: 'the GET to be ASK-redirected to the dead target',
    });
    // Behind it on the dead target: commands that all time out.
    const flood = await Promise.all(Array.from({ length: 2000 }, () => settle(short.get(onTarget))));
    expect((await askedGet).ok).toBe(false);
    expect(flood.every((outcome) => !outcome.ok && outcome.error instanceof TimeoutError)).toBe(true);
    const last = settle(short.get(onTarget));
    // Only the newest is kept: the settled ones at the head, ASKING with its command, were dropped.
    expect(handle.pendingCount).toBeLessThanOrEqual(2);
    await last;
  });

  it('a command that times out waiting for a dead node names the connection error why it waited', async () => {
    const target = cluster.primaries[2]!; // killed by the test before
    const handle = handleOf(short, target.address);
    await cluster.waitFor(() => /ECONNREFUSED/.test(handle.lastError?.message ?? ''), {
      timeoutMs: 5000,
      message: 'a refused reconnect to the dead node',
    });
    const key = `${tagOn(cluster, target, 'why')}:secret-argument`;
    const outcome = await settle(short.get(key));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain('secret-argument');
  });
});
