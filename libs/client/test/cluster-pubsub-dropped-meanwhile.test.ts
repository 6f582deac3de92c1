// A node drops a sharded channel by itself (its slot went to another node) while an SSUBSCRIBE of ours waits for its
// answer on the same connection: the node's `sunsubscribe` push is no answer to that SSUBSCRIBE. The node is held
// with CLIENT PAUSE so that the SSUBSCRIBE waits; the slot moves by CLUSTER SETSLOT on the new owner, which the old
// one learns over the cluster bus, paused or not.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, type PubSubMessage } from '../src/index.js';
import { slotOf, tagOn } from './cluster-helpers.js';
import { subscribersOn } from './support/pubsub-counts.js';
import { onServer } from './support/server.js';

describe(onServer('a sharded channel dropped while a subscription waits for its answer'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  /** Pushes the client did not take as messages, answers or a dropped subscription: handed to the application. */
  const unclaimed: unknown[][] = [];
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0, nodeTimeoutMs: 30_000 });
    conn = await new ClusterClient(cluster.seeds).getConnection({
      // No periodic refresh: the client learns of the move only from the old owner.
      topologyCheckIntervalMs: 600_000,
      onPush: (push) => unclaimed.push(push),
    });
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });

  it('subscribes the dropped channel where its slot went, and the waiting SSUBSCRIBE on its own answer', async () => {
    await cluster.refresh();
    const [from, to] = cluster.primaries;
    const moving = `${tagOn(cluster, from!, 'moving')}:news`;
    const staying = `${tagOn(cluster, from!, 'staying')}:news`;
    expect(slotOf(moving)).not.toBe(slotOf(staying));
    const got: PubSubMessage[] = [];
    const listener = (message: PubSubMessage) => got.push(message);
    await conn.ssubscribe(moving, listener);

    await cluster.admin(from!, 'CLIENT', 'PAUSE', 2000, 'ALL');
    const subscribing = conn.ssubscribe(staying, listener);
    await cluster.admin(to!, 'CLUSTER', 'SETSLOT', slotOf(moving), 'IMPORTING', from!.id);
    await cluster.admin(to!, 'CLUSTER', 'SETSLOT', slotOf(moving), 'NODE', to!.id);
    await subscribing;
    expect((await subscribersOn(cluster, staying, 'SHARDNUMSUB')).get(from!.address)).toBe(1);

    let sequence = 0;
    await cluster.waitFor(
      async () => {
        await cluster.admin(to!, 'SPUBLISH', moving, `m${++sequence}`);
        return got.some((message) => message.channel === moving);
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'a message of the dropped channel from its new owner' },
    );
    expect(got.find((message) => message.channel === moving)?.node).toBe(to!.address);
    await cluster.admin(from!, 'SPUBLISH', staying, 'stayed');
    await cluster.waitFor(() => got.some((message) => message.message === 'stayed'), {
      timeoutMs: 5000,
      message: 'a message of the channel subscribed meanwhile',
    });
    // No answer strayed to the application as a push of its own.
    expect(unclaimed).toEqual([]);
    await conn.sunsubscribe([moving, staying]);
  });
});
