// BullMQ objects on a queue whose primary answers, while another primary of the cluster does not: they must start
// and work as if the cluster were healthy.
import { ClusterClient } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqConnection } from '../src/index.js';
import { prefixOn, uniqueQueue } from './support.js';

let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('while one primary is unresponsive', () => {
  it('a new Queue on another primary gets ready (its INFO, for the server version, goes to a primary that answers)', async () => {
    const short = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 300 });
    const connection = bullmqConnection(short);
    // The first primary the connection lists as connected: the one a keyless question would pick first.
    const first = short.topology().nodes.find((node) => node.role === 'primary' && node.connected)!;
    const paused = cluster.primaries.find((node) => node.address === first.address)!;
    const healthy = cluster.primaries.find((node) => node !== paused)!;
    await cluster.pause(paused);
    const queue = new Queue(uniqueQueue('starting'), { connection, prefix: prefixOn(cluster, healthy) });
    try {
      await queue.waitUntilReady();
      await queue.add('n', {});
      expect(await queue.getWaitingCount()).toBe(1);
    } finally {
      await cluster.resume(paused);
      await queue.close();
      short.destroy();
    }
  });
});
