// MULTI/EXEC and WATCH on a cluster when their slot's primary dies: a transaction that could not be sent waits for the
// promoted replica within its deadline, as a single command does, instead of failing at once.
import { type DevCluster } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../src/index.js';
import { settle, slotOf, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

describe(onServer('a transaction across a primary SIGKILL'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  // Long enough for the promotion (node timeout 2 s, then the election).
  withCluster((started) => ({ cluster, conn } = started), { commandTimeoutMs: 15_000 });

  /**
   * Kills a node and waits until the client has seen its connection close: a transaction written before that would
   * be lost after it was sent (outcome unknown), which is not what these tests are about.
   */
  async function killSeen(address: string, kill: () => Promise<void>): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      const listener = (down: string): void => {
        if (down !== address) return;
        conn.off('nodeDown', listener);
        resolve();
      };
      conn.on('nodeDown', listener);
    });
    await kill();
    await seen;
  }

  it('a MULTI/EXEC issued while its primary is dead runs once on the promoted replica', async () => {
    const key = '{tx-failover}:counter';
    expect(await conn.set(key, '10')).toBe('OK');
    const victim = cluster.ownerOf(slotOf(key))!;
    const heir = cluster.replicasOf(victim)[0]!;
    // The replica has the write (WAIT runs where the SET went: each primary's shared connection).
    expect(await conn.wait(1, 5_000)).toBe(1);
    await killSeen(victim.address, () => cluster.kill(victim));
    const tx = conn.multi();
    void tx.incr(key);
    const result = await settle(tx.exec());
    expect(result.ok ? result.value : result.error.message).toEqual([11]);
    await cluster.refresh();
    expect(cluster.ownerOf(slotOf(key))!.id).toBe(heir.id);
    expect(await conn.get(key)).toBe('11');
  });

  it('a WATCH transaction issued while its primary is dead runs once on the promoted replica', async () => {
    // Another shard, whose primary still has its replica.
    await cluster.refresh();
    const victim = cluster.primaries.find(
      (node) => node.state === 'running' && cluster.replicasOf(node).length > 0,
    )!;
    const heir = cluster.replicasOf(victim)[0]!;
    const key = `${tagOn(cluster, victim, 'watch-failover')}:balance`;
    expect(await conn.set(key, '10')).toBe('OK');
    // On this primary only: the first test's heir has no replica to count.
    expect(await conn.onNode(victim.address, { name: 'WAIT', args: [1, 5_000] })).toBe(1);
    await killSeen(victim.address, () => cluster.kill(victim));
    let runs = 0;
    const result = await settle(
      conn.watch([key], async (dedicated) => {
        runs++;
        const balance = Number(await dedicated.get(key));
        const tx = dedicated.multi();
        void tx.set(key, String(balance - 3));
        return tx.exec();
      }),
    );
    expect(result.ok ? result.value : result.error.message).toEqual(['OK']);
    expect(runs).toBe(1);
    await cluster.refresh();
    expect(cluster.ownerOf(slotOf(key))!.id).toBe(heir.id);
    expect(await conn.get(key)).toBe('7');
  });
});
