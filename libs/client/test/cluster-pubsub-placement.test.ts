// Where cluster subscriptions live while the cluster changes under them: a sharded channel follows MOVED when the
// client's slot map is stale, and a subscription stays on its node while that node still gets its messages (so
// nothing arrives twice), and what their messages hold whatever reply their connection awaits. A node the view
// lists without slots: pubsub-slotless-node.test.ts.
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import type { ClusterConnection, PubSubMessage } from '../src/index.js';
import { slotOf, tagOn } from './cluster-helpers.js';
import { subscribersOn, total } from './support/pubsub-counts.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
// No periodic refresh: the client learns of slot moves only from the servers' replies.
withCluster((started) => ({ cluster, conn } = started), { topologyCheckIntervalMs: 600_000 });

const nodeAt = (address: string): DevClusterNode => cluster.nodes.find((n) => n.address === address)!;

/** Publishes numbered messages to a stream every few ms until stopped; records what each acknowledgement said. */
function publishing(publish: (text: string) => Promise<number>) {
  const acked = new Map<number, number>();
  let next = 1;
  let running = true;
  const loop = (async () => {
    while (running) {
      const seq = next++;
      acked.set(seq, await publish(String(seq)).catch(() => -1));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    acked,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe(onServer('pub/sub placement'), () => {
  it('hands listeners string channels, patterns and messages even when a Buffer reply is awaited on their connection', async () => {
    await cluster.refresh();
    const owner = cluster.primaries[0]!;
    const shardChannel = `${tagOn(cluster, owner, 'text')}:news`;
    const got: PubSubMessage[] = [];
    await conn.ssubscribe(shardChannel, (message) => got.push(message));
    await conn.psubscribe('text:*', (message) => got.push(message));
    await conn.publish('text:first', 'located');
    await cluster.waitFor(() => got.length === 1, { timeoutMs: 5000, message: 'the first pattern message' });
    // Published over the connection holding the subscription, followed by another Buffer-mode command: the server
    // pushes the message there before or right after answering, while a Buffer-mode reply is the one awaited.
    const inBufferMode = (address: string, name: string, args: string[]) =>
      Promise.all([
        conn.onNode(address, { name, args, returnBuffers: true }),
        conn.onNode(address, { name: 'ECHO', args: ['next'], returnBuffers: true }),
      ]);
    await inBufferMode(owner.address, 'SPUBLISH', [shardChannel, 'sharded']);
    await inBufferMode(got[0]!.node, 'PUBLISH', ['text:second', 'pattern']);
    await cluster.waitFor(() => got.length === 3, { timeoutMs: 5000, message: 'the messages published' });
    expect(got.map(({ kind, pattern, channel, message }) => ({ kind, pattern, channel, message }))).toEqual([
      { kind: 'pmessage', pattern: 'text:*', channel: 'text:first', message: 'located' },
      { kind: 'smessage', pattern: undefined, channel: shardChannel, message: 'sharded' },
      { kind: 'pmessage', pattern: 'text:*', channel: 'text:second', message: 'pattern' },
    ]);
    await conn.sunsubscribe(shardChannel);
    await conn.punsubscribe('text:*');
  });

  it('subscribes a sharded channel on its new owner by following MOVED when the slot map is stale', async () => {
    await cluster.refresh();
    const [from, to] = cluster.primaries;
    const channel = `${tagOn(cluster, from!, 'stale')}:news`;
    // The client has its map from before the move, and nothing makes it refresh.
    await conn.ping();
    await cluster.moveSlots([slotOf(channel)], to!);

    const got: PubSubMessage[] = [];
    await conn.ssubscribe(channel, (message) => got.push(message));
    expect(await subscribersOn(cluster, channel, 'SHARDNUMSUB')).toEqual(
      new Map(cluster.nodes.map((node) => [node.address, node.address === to!.address ? 1 : 0])),
    );
    await cluster.admin(to!, 'SPUBLISH', channel, 'after the move');
    await cluster.waitFor(() => got.length > 0, { timeoutMs: 5000, message: 'the message on the new owner' });
    expect(got[0]).toMatchObject({ kind: 'smessage', message: 'after the move', node: to!.address });
    await conn.sunsubscribe(channel);
  });

  it('delivers every message of a channel and a sharded channel once through a graceful failover of their node', async () => {
    await cluster.refresh();
    const got: PubSubMessage[] = [];
    const listener = (message: PubSubMessage) => got.push(message);
    await conn.subscribe('placement:news', listener);
    // The channel subscription's node, and a sharded channel served by that same node.
    await cluster.admin(cluster.primaries[0]!, 'PUBLISH', 'placement:news', 'where');
    await cluster.waitFor(() => got.length > 0, { timeoutMs: 5000, message: 'the first channel message' });
    const home = nodeAt(got[0]!.node);
    const primary =
      home.role === 'primary' && home.slots.length > 0
        ? home
        : cluster.primaries.find((p) => p.slots.length > 0)!;
    const shardChannel = `${tagOn(cluster, primary, 'failover')}:scores`;
    await conn.ssubscribe(shardChannel, listener);
    got.length = 0;

    const channel = publishing((text) => conn.publish('placement:news', text));
    const sharded = publishing((text) => conn.spublish(shardChannel, text));
    await cluster.failover(cluster.replicasOf(primary)[0]!);
    // Messages keep flowing after the failover: some are published on the new primary.
    const atFailover = sharded.acked.size;
    await cluster.waitFor(() => sharded.acked.size > atFailover + 20, {
      timeoutMs: 10_000,
      message: 'sharded messages published after the failover',
    });
    await Promise.all([channel.stop(), sharded.stop()]);

    const received = (kind: PubSubMessage['kind']) =>
      got.filter((m) => m.kind === kind).map((m) => Number(String(m.message)));
    // Every acknowledged channel message arrives (cluster pub/sub reaches every node), and every sharded message a
    // node said it delivered; none twice.
    const mustArrive = (acked: Map<number, number>, everyAck: boolean) =>
      [...acked]
        .filter(([, receivers]) => receivers > 0 || (everyAck && receivers === 0))
        .map(([seq]) => seq);
    await cluster.waitFor(
      () =>
        mustArrive(channel.acked, true).every((seq) => received('message').includes(seq)) &&
        mustArrive(sharded.acked, false).every((seq) => received('smessage').includes(seq)),
      { timeoutMs: 5000, message: 'every acknowledged message' },
    );
    for (const kind of ['message', 'smessage'] as const) {
      const seqs = received(kind);
      expect(seqs.length, `${kind}: received twice`).toBe(new Set(seqs).size);
    }
    expect(total(await subscribersOn(cluster, 'placement:news', 'NUMSUB'))).toBe(1);
    expect(total(await subscribersOn(cluster, shardChannel, 'SHARDNUMSUB'))).toBe(1);
    await conn.unsubscribe('placement:news');
    await conn.sunsubscribe(shardChannel);
  });
});
