// Subscribing while the node a subscription belongs on is down (SIGKILLed; a long node timeout keeps the rest of the
// cluster serving and the slot map unchanged): the subscription is made once the node is back, as after a reconnect.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, type PubSubMessage } from '../src/index.js';
import { tagOn } from './cluster-helpers.js';
import { subscribersOn, total } from './support/pubsub-counts.js';
import { onServer } from './support/server.js';

describe(onServer('subscribing while the node is down'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0, nodeTimeoutMs: 30_000 });
    conn = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 2000 });
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });

  it('a sharded subscription made while its node is down succeeds and is made on the node once it is back', async () => {
    const node = cluster.primaries[1]!;
    const channel = `${tagOn(cluster, node, 'down')}:news`;
    await conn.ping();
    await cluster.kill(node);
    const got: PubSubMessage[] = [];
    await conn.ssubscribe(channel, (message) => got.push(message));

    await cluster.restart(node);
    await cluster.waitFor(async () => total(await subscribersOn(cluster, channel, 'SHARDNUMSUB')) === 1, {
      timeoutMs: 10_000,
      message: 'the sharded subscription to be made on the restarted node',
    });
    expect((await subscribersOn(cluster, channel, 'SHARDNUMSUB')).get(node.address)).toBe(1);
    await cluster.admin(node, 'SPUBLISH', channel, 'back');
    await cluster.waitFor(() => got.length > 0, { timeoutMs: 5000, message: 'the message on the restarted node' });
    expect(got).toEqual([{ kind: 'smessage', channel, message: 'back', node: node.address }]);
    await conn.sunsubscribe(channel);
    expect(total(await subscribersOn(cluster, channel, 'SHARDNUMSUB'))).toBe(0);
  });
});
