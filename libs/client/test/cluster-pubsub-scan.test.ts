// Cluster SCAN and pub/sub across slot moves, failovers, killed connections and restarted nodes, on a 3+3 cluster
// of this file's own (the faults change the cluster for the tests that follow, which is why they run in order).
import { type DevCluster, type DevClusterNode } from '@keyslot/dev-cluster';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterConnection, type PubSubMessage } from '../src/index.js';
import { slotOf, spreadKeys, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
withCluster((started) => ({ cluster, conn } = started), { commandTimeoutMs: 2000 });

/** Takes up to `count` keys from the iterator. */
async function take(iterator: AsyncIterator<string>, count: number, into: string[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = await iterator.next();
    if (next.done) return;
    into.push(next.value);
  }
}

async function drain(iterator: AsyncIterator<string>, into: string[]): Promise<void> {
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) into.push(next.value);
}

/** Waits until every replica has every write of its primary (so a failover loses nothing). */
async function replicasCaughtUp(): Promise<void> {
  await cluster.refresh();
  for (const primary of cluster.primaries) {
    // WAIT counts replicas that acknowledged this connection's last write, and replication keeps order.
    await cluster.admin(primary, 'SET', `${tagOn(cluster, primary, 'sync')}:marker`, '1');
    expect(await cluster.admin(primary, 'WAIT', 1, 5000)).toBe(1);
  }
}

describe(onServer('9. scanIterator'), () => {
  const keys = spreadKeys(3000, 'scan:');
  beforeAll(async () => {
    await conn.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    for (let i = 0; i < 40; i++) await conn.hset(`scanh:${i}`, { f: 'v' });
  });

  it('visits every key exactly once, with MATCH and TYPE passed to each node', async () => {
    const seen: string[] = [];
    for await (const key of conn.scanIterator({ count: 100 })) seen.push(key);
    expect(seen).toHaveLength(keys.length + 40);
    expect(new Set(seen).size).toBe(seen.length);
    const hashes: string[] = [];
    for await (const key of conn.scanIterator({ match: 'scanh:*', type: 'hash', count: 50 }))
      hashes.push(key);
    expect(hashes.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `scanh:${i}`).sort());
    const none: string[] = [];
    for await (const key of conn.scanIterator({ match: 'scan:*', type: 'hash' })) none.push(key);
    expect(none).toEqual([]);
  });

  it('survives slots moving, with their keys, in the middle of the iteration', async () => {
    await cluster.refresh();
    const seen: string[] = [];
    const iterator = conn.scanIterator({ match: 'scan:*', count: 50 });
    await take(iterator, 1200, seen);
    // Move 150 slots from every primary to the next one: some already scanned, some not yet.
    const primaries = [...cluster.primaries];
    const moves = primaries.map((from, i) => {
      const [start, end] = from.slots[0]!;
      return {
        slots: Array.from({ length: 150 }, (_, j) => end - j).filter((s) => s >= start),
        to: primaries[(i + 1) % 3]!,
      };
    });
    for (const { slots, to } of moves) await cluster.moveSlots(slots, to);
    await drain(iterator, seen);
    expect(seen).toHaveLength(keys.length);
    expect(new Set(seen)).toEqual(new Set(keys));
  });

  it('survives a graceful failover and a SIGKILLed primary in the middle of the iteration', async () => {
    let victim: DevClusterNode;
    await cluster.refresh();
    await replicasCaughtUp();
    const graceful: string[] = [];
    const first = conn.scanIterator({ match: 'scan:*', count: 50 });
    await take(first, 1000, graceful);
    await cluster.failover(cluster.replicasOf(cluster.primaries[1]!)[0]!);
    await drain(first, graceful);
    expect(graceful).toHaveLength(keys.length);
    expect(new Set(graceful)).toEqual(new Set(keys));

    await replicasCaughtUp();
    // A short deadline: SCAN on the dead node gives up long before its replica is promoted.
    const impatient = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 400 });
    const killed: string[] = [];
    try {
      const second = impatient.scanIterator({ match: 'scan:*', count: 50 });
      await take(second, 200, killed);
      // The node scanned now (the first primary) dies mid-scan; its keys are on its replica, promoted soon.
      const scanning = impatient.topology().nodes.find((n) => n.role === 'primary')!.address;
      victim = cluster.nodes.find((node) => node.address === scanning)!;
      await cluster.kill(victim);
      await drain(second, killed);
    } finally {
      impatient.destroy();
    }
    expect(new Set(killed)).toEqual(new Set(keys));
    expect(killed).toHaveLength(keys.length);
    await cluster.restart(victim!);
  });
});

describe(onServer('10. pub/sub'), () => {
  const got: PubSubMessage[] = [];
  const listener = (message: PubSubMessage) => got.push(message);
  const shardChannel = '{sport}scores';
  let sequence = 0;

  /** Publishes fresh messages until one arrives that matches (the subscription may still be being restored). */
  async function delivered(
    publish: (text: string) => Promise<unknown>,
    match: (message: PubSubMessage, text: string) => boolean,
    what: string,
  ): Promise<PubSubMessage> {
    const sent: string[] = [];
    let found: PubSubMessage | undefined;
    await cluster.waitFor(
      async () => {
        const text = `m${++sequence}`;
        sent.push(text);
        await publish(text).catch(() => {});
        found = got.find((message) => sent.some((t) => match(message, t)));
        return found !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: what },
    );
    return found!;
  }

  const publishAnywhere = async (text: string) => {
    const node = cluster.nodes.find((n) => n.state === 'running')!;
    await cluster.admin(node, 'PUBLISH', 'news', text);
  };
  const publishSharded = (text: string) => conn.spublish(shardChannel, text);
  const isNews = (m: PubSubMessage, text: string) =>
    m.kind === 'message' && m.channel === 'news' && m.message === text;
  const isPattern = (m: PubSubMessage, text: string) =>
    m.kind === 'pmessage' && m.pattern === 'ne*' && m.channel === 'news' && m.message === text;
  const isShard = (m: PubSubMessage, text: string) =>
    m.kind === 'smessage' && m.channel === shardChannel && m.message === text;

  async function allThreeDelivered(when: string): Promise<{ news: PubSubMessage; shard: PubSubMessage }> {
    const news = await delivered(publishAnywhere, isNews, `a channel message ${when}`);
    await delivered(publishAnywhere, isPattern, `a pattern message ${when}`);
    const shard = await delivered(publishSharded, isShard, `a sharded message ${when}`);
    return { news, shard };
  }

  const nodeAt = (address: string): DevClusterNode => cluster.nodes.find((n) => n.address === address)!;
  /** The addresses of the shard that serves a slot: its primary and the primary's replicas. */
  const shardNodes = (slot: number): string[] => {
    const owner = cluster.ownerOf(slot)!;
    return [owner.address, ...cluster.replicasOf(owner).map((replica) => replica.address)];
  };

  beforeAll(async () => {
    await conn.subscribe('news', listener);
    await conn.psubscribe('ne*', listener);
    await conn.ssubscribe(shardChannel, listener);
  });

  it('delivers channel, pattern and sharded messages with channel, pattern and node', async () => {
    await cluster.refresh();
    const { news, shard } = await allThreeDelivered('at first');
    expect(cluster.seeds).toContain(news.node);
    const pattern = got.find((m) => m.kind === 'pmessage')!;
    expect(pattern).toMatchObject({ pattern: 'ne*', channel: 'news' });
    // On a node of the slot's shard: its primary, or a replica of it (a stale view at subscribe time; it gets them all).
    expect(shardNodes(slotOf(shardChannel))).toContain(shard.node);
  });

  it('restores subscriptions after the connection is killed', async () => {
    const { news, shard } = await allThreeDelivered('before the kill');
    for (const address of new Set([news.node, shard.node])) {
      await cluster.admin(nodeAt(address), 'CLIENT', 'KILL', 'TYPE', 'pubsub');
    }
    got.length = 0;
    await allThreeDelivered('after CLIENT KILL');
  });

  it('restores subscriptions after their node restarts', async () => {
    got.length = 0;
    const { news, shard } = await allThreeDelivered('before the restart');
    await cluster.restart(nodeAt(news.node));
    if (shard.node !== news.node) await cluster.restart(nodeAt(shard.node));
    got.length = 0;
    await allThreeDelivered('after the restart');
  });

  it('follows a sharded channel when its slot moves, and every subscription through a failover', async () => {
    await cluster.refresh();
    const slot = slotOf(shardChannel);
    const owner = cluster.ownerOf(slot)!;
    const to = cluster.primaries.find((p) => p.id !== owner.id)!;
    await cluster.moveSlots([slot], to);
    got.length = 0;
    const moved = await delivered(publishSharded, isShard, 'a sharded message after the slot moved');
    expect(moved.node).toBe(to.address);

    got.length = 0;
    const { news } = await allThreeDelivered('before the failover');
    await cluster.refresh();
    // Fail over the primary that holds the sharded channel, and the one holding the channel subscriptions.
    for (const address of new Set([to.address, news.node])) {
      const node = nodeAt(address);
      if (node.role === 'primary') await cluster.failover(cluster.replicasOf(node)[0]!);
    }
    got.length = 0;
    const after = await allThreeDelivered('after the failover');
    expect(shardNodes(slot)).toContain(after.shard.node);

    // Exactly once: no subscription was left behind on a node it moved away from.
    got.length = 0;
    await publishAnywhere('once');
    await conn.spublish(shardChannel, 'once');
    await cluster.waitFor(() => got.filter((m) => m.message === 'once').length >= 3, {
      timeoutMs: 5000,
      message: 'one message of each kind',
    });
    await Promise.all(cluster.nodes.map((node) => conn.onNode(node.address, { name: 'PING', args: [] })));
    const once = got.filter((m) => m.message === 'once');
    expect(once.map((m) => m.kind).sort()).toEqual(['message', 'pmessage', 'smessage']);
    // Each node holds our subscriptions at most once, across the whole cluster.
    const counts = await Promise.all(
      cluster.nodes.map(async (node) => [
        Number(((await cluster.admin(node, 'PUBSUB', 'NUMSUB', 'news')) as unknown[])[1]),
        Number(await cluster.admin(node, 'PUBSUB', 'NUMPAT')),
        Number(((await cluster.admin(node, 'PUBSUB', 'SHARDNUMSUB', shardChannel)) as unknown[])[1]),
      ]),
    );
    expect(counts.reduce((sum, [news]) => sum + news!, 0)).toBe(1);
    expect(counts.reduce((sum, [, patterns]) => sum + patterns!, 0)).toBe(1);
    expect(counts.reduce((sum, [, , shard]) => sum + shard!, 0)).toBe(1);
  });

  it('unsubscribes', async () => {
    await conn.unsubscribe('news');
    await conn.punsubscribe('ne*');
    await conn.sunsubscribe(shardChannel);
    got.length = 0;
    await publishAnywhere('after unsubscribe');
    await conn.spublish(shardChannel, 'after unsubscribe');
    // A PING round trip on every primary: anything published before it has been pushed already.
    await conn.onEachPrimary({ name: 'PING', args: [] });
    expect(got).toEqual([]);
  });
});
