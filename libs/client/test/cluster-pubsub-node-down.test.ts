// Subscriptions while a node is down (SIGKILLed; a long node timeout keeps the rest of the cluster serving and the
// slot map unchanged): one requested meanwhile is made once its node is back, as after a reconnect; channels and
// patterns of the lost node get their messages from another node meanwhile; unsubscribing from it succeeds.
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
    await cluster.waitFor(() => got.length > 0, {
      timeoutMs: 5000,
      message: 'the message on the restarted node',
    });
    expect(got).toEqual([{ kind: 'smessage', channel, message: 'back', node: node.address }]);
    await conn.sunsubscribe(channel);
    expect(total(await subscribersOn(cluster, channel, 'SHARDNUMSUB'))).toBe(0);
  });

  it('channel and pattern subscriptions of a node that goes down get their messages from another node meanwhile', async () => {
    const got: PubSubMessage[] = [];
    const listener = (message: PubSubMessage) => got.push(message);
    await conn.subscribe('outage:news', listener);
    await conn.psubscribe('outage:*', listener);
    await cluster.admin(cluster.primaries[0]!, 'PUBLISH', 'outage:news', 'first');
    await cluster.waitFor(() => got.length === 2, { timeoutMs: 5000, message: 'the first messages' });
    const holder = cluster.nodes.find((node) => node.address === got[0]!.node)!;
    const publisher = cluster.primaries.find((node) => node.id !== holder.id)!;
    await cluster.kill(holder);

    got.length = 0;
    let sequence = 0;
    await cluster.waitFor(
      async () => {
        await cluster.admin(publisher, 'PUBLISH', 'outage:news', `m${++sequence}`);
        return got.some((m) => m.kind === 'message') && got.some((m) => m.kind === 'pmessage');
      },
      {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: 'a channel and a pattern message while the holder is down',
      },
    );
    expect(new Set(got.map((message) => message.node)).has(holder.address)).toBe(false);

    // Back, the old node is not subscribed again: each message still arrives once.
    await cluster.restart(holder);
    // Two round trips: anything the client sends it on connecting is written before the second PING.
    await conn.onNode(holder.address, { name: 'PING', args: [] });
    await conn.onNode(holder.address, { name: 'PING', args: [] });
    expect(total(await subscribersOn(cluster, 'outage:news', 'NUMSUB'))).toBe(1);
    const patterns = await Promise.all(cluster.nodes.map((node) => cluster.admin(node, 'PUBSUB', 'NUMPAT')));
    expect(patterns.reduce<number>((sum, count) => sum + Number(count), 0)).toBe(1);
    await conn.unsubscribe('outage:news');
    await conn.punsubscribe('outage:*');
  });

  it('unsubscribing from a sharded channel whose node is down succeeds, and the node back is not subscribed', async () => {
    await cluster.refresh();
    const node = cluster.primaries[2]!;
    const channel = `${tagOn(cluster, node, 'leaving')}:news`;
    await conn.ssubscribe(channel, () => {});
    expect((await subscribersOn(cluster, channel, 'SHARDNUMSUB')).get(node.address)).toBe(1);
    await cluster.kill(node);
    await conn.sunsubscribe(channel);

    await cluster.restart(node);
    await conn.onNode(node.address, { name: 'PING', args: [] });
    await conn.onNode(node.address, { name: 'PING', args: [] });
    expect(total(await subscribersOn(cluster, channel, 'SHARDNUMSUB'))).toBe(0);
  });
});
