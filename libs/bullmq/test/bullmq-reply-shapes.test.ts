// What BullMQ hands back to the application from the adapter's replies must have the shapes ioredis gives it, on
// RESP3 as on RESP2: plain objects, arrays, strings.
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { FlowProducer, Worker } from 'bullmq';
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

describe.each([3, 2] as const)('on RESP%i', (protocol) => {
  let redis: ClusterConnection;
  beforeAll(async () => {
    redis = await new ClusterClient(cluster.seeds, { protocol }).getConnection();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("a parent's ignored child failures (a hash read with HGETALL) come back as a plain object", async () => {
    const connection = bullmqConnection(redis);
    const prefix = prefixOn(cluster, cluster.primaries[0]!);
    const parentName = uniqueQueue('shape-parents');
    const childName = uniqueQueue('shape-children');
    const flows = new FlowProducer({ connection, prefix });
    const worker = new Worker(
      childName,
      async () => {
        throw new Error('boom');
      },
      { connection, prefix },
    );
    try {
      const tree = await flows.add({
        name: 'parent',
        queueName: parentName,
        children: [{ name: 'child', queueName: childName, opts: { ignoreDependencyOnFailure: true } }],
      });
      // The child's failure is ignored: the parent no longer waits for it.
      await cluster.waitFor(async () => (await tree.job.getState()) === 'waiting', {
        timeoutMs: 10_000,
        message: 'the parent to stop waiting for its failed child',
      });
      const failures = await tree.job.getIgnoredChildrenFailures();
      const childKey = `${prefix}:${childName}:${tree.children![0]!.job.id}`;
      expect(Object.getPrototypeOf(failures)).toBe(Object.prototype);
      expect(failures).toStrictEqual({ [childKey]: 'boom' });
      expect((await tree.job.getDependencies()).ignored).toStrictEqual({ [childKey]: 'boom' });
    } finally {
      await worker.close();
      await flows.close();
    }
  });
});
