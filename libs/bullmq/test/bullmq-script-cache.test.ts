// BullMQ's Lua scripts when a primary lost its script cache (SCRIPT FLUSH, a restart) without any topology change:
// what BullMQ does through its public API must behave as if the cache had never been lost.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { FlowProducer, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqConnection } from '../src/index.js';
import { prefixOn, uniqueQueue } from './support.js';

let cluster: DevCluster;
let redis: ClusterConnection;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  redis = await new ClusterClient(cluster.seeds).getConnection();
});
afterAll(async () => {
  await redis?.close();
  await cluster?.stop();
});

describe('after SCRIPT FLUSH on the queue node', () => {
  it('FlowProducer.add still adds the whole flow when the node kept only some of its scripts (no NOSCRIPT)', async () => {
    const connection = bullmqConnection(redis);
    const node = cluster.primaries[1]!;
    const prefix = prefixOn(cluster, node);
    const parentName = uniqueQueue('flush-parents');
    const childName = uniqueQueue('flush-children');
    const flows = new FlowProducer({ connection, prefix });
    const parents = new Queue(parentName, { connection, prefix });
    const children = new Queue(childName, { connection, prefix });
    try {
      const flow = (name: string) => ({
        name,
        queueName: parentName,
        children: [1, 2].map((n) => ({ name: `${name}-child`, queueName: childName, data: { n } })),
      });
      await flows.add(flow('first'));
      await cluster.admin(node, 'SCRIPT', 'FLUSH');
      // A plain add meets NOSCRIPT and falls back to EVAL, which loads that one script again on the node.
      await children.add('single', {});

      const added = await flows.add(flow('second')).catch((error: unknown) => error);
      const secondChildren = (await children.getJobs(['waiting'])).filter(
        (job) => job.name === 'second-child',
      );
      const secondParents = (await parents.getJobs(['waiting-children'])).filter(
        (job) => job.name === 'second',
      );
      // The transaction must not run some of its scripts and answer NOSCRIPT to the others (here addParentJob).
      expect({ parents: secondParents.length, children: secondChildren.length }).toEqual({
        parents: 1,
        children: 2,
      });
      expect(added).not.toBeInstanceOf(Error);
    } finally {
      await flows.close();
      await parents.close();
      await children.close();
    }
  });
});
