// Redirects outside the single-command path, against one real 3+3 cluster: a MULTI/EXEC whose key already moved to
// the importing node of a half-done migration (ASK); a fan-out by a client whose map still names a demoted primary; a
// blocking command sent by a stale map after a slot moved (MOVED).
import { type DevCluster, type DevClusterNode } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection } from '../src/index.js';
import { callsOf, settle, slotOf, spreadKeys, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
withCluster((started) => ({ cluster, conn } = started));

describe(onServer('redirects of transactions'), () => {
  it('a MULTI/EXEC on a key already migrated (ASK) runs once, on the importing node, after ASKING', async () => {
    await cluster.refresh();
    const [source, target] = [cluster.primaries[0]!, cluster.primaries[1]!];
    const tag = tagOn(cluster, source, 'tx-ask');
    const slot = slotOf(tag);
    const moved = `${tag}:counter`;
    expect(await conn.set(moved, '1')).toBe('OK');
    await cluster.admin(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await cluster.admin(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await cluster.admin(source, 'MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', moved);

    const execBefore = await callsOf(cluster, target, 'exec');
    const askingBefore = await callsOf(cluster, target, 'asking');
    const tx = conn.multi();
    void tx.incr(moved);
    const result = await settle(tx.exec());
    expect(result.ok ? result.value : result.error.message).toEqual([2]);
    expect(await callsOf(cluster, target, 'exec')).toBe(execBefore + 1);
    expect(await callsOf(cluster, target, 'asking')).toBe(askingBefore + 1);

    await cluster.moveSlots([slot], target);
    expect(await conn.get(moved)).toBe('2');
  });
});

describe(onServer('fan-out after a failover the map has not seen'), () => {
  it('FLUSHALL from a map still naming a demoted primary (READONLY) reaches its successor; SCRIPT LOAD and DBSIZE follow', async () => {
    // A second client whose map is only refreshed when something tells it to.
    const stale = await new ClusterClient(cluster.seeds).getConnection({
      topologyCheckIntervalMs: 3_600_000,
    });
    try {
      await cluster.refresh();
      await conn.flushall();
      for (const key of spreadKeys(30, 'fan:')) await stale.set(key, 'v');
      expect(await stale.dbsize()).toBe(30);
      const demoted = cluster.primaries.find((node) => cluster.replicasOf(node).length > 0)!;
      const heir = cluster.replicasOf(demoted)[0]!;
      await cluster.failover(heir);
      await cluster.refresh();
      expect(stale.topology().nodes.find((node) => node.address === demoted.address)?.role).toBe('primary');

      const flushed = await settle(stale.flushall());
      expect(flushed.ok ? flushed.value : flushed.error.message).toBe('OK');
      for (const primary of cluster.primaries) {
        expect(Number(await cluster.admin(primary, 'DBSIZE'))).toBe(0);
      }
      const sha = await stale.scriptLoad('return 1');
      expect(await cluster.admin(heir, 'SCRIPT', 'EXISTS', sha)).toEqual([1]);
      await conn.set('{fan}:after', 'v');
      expect(await stale.dbsize()).toBe(1);
    } finally {
      stale.destroy();
    }
  });
});

describe(onServer('blocking commands after a slot moved'), () => {
  it('a BLPOP sent by a stale map follows the MOVED target at once, without waiting for a refresh', async () => {
    // Refreshes ask nodes whose clients are paused (CLIENT PAUSE: they still gossip, so the cluster stays up), and
    // take `connectTimeoutMs`, longer than the BLPOP's whole deadline (block 1 s + command timeout 1 s).
    const stale = await new ClusterClient(cluster.seeds).getConnection({
      topologyCheckIntervalMs: 3_600_000,
      commandTimeoutMs: 1000,
      connectTimeoutMs: 4000,
    });
    const paused: DevClusterNode[] = [];
    try {
      await cluster.refresh();
      const [source, target] = [cluster.primaries[0]!, cluster.primaries[1]!];
      const key = `${tagOn(cluster, source, 'blpop-moved')}:list`;
      await cluster.moveSlots([slotOf(key)], target);
      await conn.rpush(key, 'element');
      paused.push(...cluster.nodes.filter((node) => node.id !== source.id && node.id !== target.id));
      for (const node of paused) await cluster.admin(node, 'CLIENT', 'PAUSE', 5000, 'ALL');

      const popped = await settle(stale.blpop(key, 1));
      expect(popped.ok ? popped.value : popped.error.message).toEqual({ key, element: 'element' });
    } finally {
      stale.destroy();
      // CLIENT UNPAUSE would itself be paused: wait for the pauses to end.
      for (const node of paused) await cluster.adminWithTimeout(node, 10_000, 'PING');
    }
  });
});
