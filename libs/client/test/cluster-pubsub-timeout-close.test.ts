// Cluster subscriptions at the edges of their lifetime, against one real 3+3 cluster: a SUBSCRIBE that times out
// (its node's clients paused with CLIENT PAUSE), and a subscribe after close().
import { type DevCluster } from '@keyslot/dev-cluster';
import { describe, expect, it } from 'vitest';
import { ClosedError, ClusterClient, type PubSubMessage } from '../src/index.js';
import { settle, tagOn } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
withCluster((started) => ({ cluster } = started));

describe(onServer('cluster subscriptions that time out or come after close()'), () => {
  it('a sharded subscribe that times out is kept and made on its node once the node answers', async () => {
    const sub = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 300 });
    try {
      const node = cluster.primaries[0]!;
      const channel = `${tagOn(cluster, node, 'slow-sub')}:news`;
      await sub.get(channel); // the node's shared connection is open: the SSUBSCRIBE times out, it is not lost
      await cluster.admin(node, 'CLIENT', 'PAUSE', 1500, 'ALL');
      const got: PubSubMessage[] = [];
      const subscribed = await settle(sub.ssubscribe(channel, (message) => got.push(message)));
      expect(subscribed.ok ? 'subscribed' : subscribed.error.message).toBe('subscribed');
      await cluster.waitFor(
        async () => {
          await cluster.admin(node, 'SPUBLISH', channel, 'late');
          return got.length > 0;
        },
        { timeoutMs: 10_000, message: 'a message on the channel once the node answers again' },
      );
      expect(got[0]).toMatchObject({ kind: 'smessage', channel, message: 'late' });
    } finally {
      sub.destroy();
    }
  });

  it('a subscribe after close() fails at once with ClosedError, dialling no node', async () => {
    const sub = await new ClusterClient(cluster.seeds).getConnection();
    await sub.close();
    const dials = sub.stats().dials;
    const channel = `${tagOn(cluster, cluster.primaries[2]!, 'closed-sub')}:news`;
    await expect(sub.subscribe('after-close', () => {})).rejects.toBeInstanceOf(ClosedError);
    await expect(sub.ssubscribe(channel, () => {})).rejects.toBeInstanceOf(ClosedError);
    await expect(sub.psubscribe('after-close:*', () => {})).rejects.toBeInstanceOf(ClosedError);
    expect(sub.stats().dials).toBe(dials);
  });
});
