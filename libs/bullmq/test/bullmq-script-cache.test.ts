// BullMQ's Lua scripts when a primary lost its script cache (SCRIPT FLUSH, a restart) without any topology change,
// or cannot load them (unresponsive): what BullMQ does on a healthy queue node must work as if nothing happened.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { ConnectionClosedError, FlowProducer, Queue } from 'bullmq';
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

describe('while another primary is unresponsive', () => {
  it("addBulk on a queue whose primary answers still adds its jobs (the scripts' SCRIPT LOAD elsewhere fails)", async () => {
    // A fresh connection: the scripts were never loaded through it, so its first pipeline loads them everywhere.
    const short = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 300 });
    const connection = bullmqConnection(short);
    const paused = cluster.primaries[2]!;
    const healthy = new Queue(uniqueQueue('healthy'), {
      connection,
      prefix: prefixOn(cluster, cluster.primaries[0]!),
    });
    const stuck = new Queue(uniqueQueue('stuck'), { connection, prefix: prefixOn(cluster, paused) });
    try {
      await Promise.all([healthy.waitUntilReady(), stuck.waitUntilReady()]);
      await cluster.pause(paused);
      try {
        const added = await healthy.addBulk([1, 2, 3].map((n) => ({ name: 'n', data: { n } })));
        expect(added.map((job) => job.data.n)).toEqual([1, 2, 3]);
        // A queue on the unresponsive primary fails as BullMQ understands a connection failure, not as the jobs' error.
        const failed = await stuck.addBulk([{ name: 'n', data: {} }]).catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(ConnectionClosedError);
        // Its reply did not come in time: timed out, or its connection replaced by the watchdog (outcome unknown).
        expect(['ERR_KEYSLOT_TIMEOUT', 'ERR_KEYSLOT_OUTCOME_UNKNOWN']).toContain(
          ((failed as Error).cause as { code?: string }).code,
        );
      } finally {
        await cluster.resume(paused);
      }
      expect(await healthy.getWaitingCount()).toBe(3);
      // Once the primary answers again, the same works there.
      await stuck.addBulk([{ name: 'n', data: {} }]);
      expect(await stuck.getWaitingCount()).toBeGreaterThanOrEqual(1);
    } finally {
      await healthy.close();
      await stuck.close();
      short.destroy();
    }
  });
});
