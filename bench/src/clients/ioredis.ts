// ioredis 6 Cluster, with or without `enableAutoPipelining`. ioredis 6 negotiates RESP3 by default (`protocol: 3`);
// it is set explicitly here.
//
// Its cluster pipelines must keep every command on one "slot allocation group" (the same set of nodes), so the
// explicit batch is split into one `pipeline()` per primary, all sent at once: the slot -> group table is built
// once from `cluster.slots` after connecting, and each key's slot is computed per batch as a user would have to.
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { type ClusterAddresses, type Driver, hostPort } from './driver.js';

export async function connectIoredis(cluster: ClusterAddresses, autoPipelining: boolean): Promise<Driver> {
  const client = new Cluster(cluster.primaries.map(hostPort), {
    enableAutoPipelining: autoPipelining,
    lazyConnect: true,
    redisOptions: { protocol: 3 },
  });
  await client.connect();
  const { groupOfSlot, groupCount } = slotGroups(client.slots);
  return {
    set: (key, value) => client.set(key, value),
    get: (key) => client.get(key),
    setBuffer: (key, value) => client.set(key, value),
    getBuffer: (key) => client.getBuffer(key),
    async batch(keys, start, count, value) {
      const pipelines: (ReturnType<Cluster['pipeline']> | undefined)[] = new Array(groupCount);
      const size = keys.length;
      for (let i = 0; i < count; i += 2) {
        const key = keys[(start + i) % size]!;
        const group = groupOfSlot[calculateSlot(key)]!;
        let pipeline = pipelines[group];
        if (pipeline === undefined) {
          pipeline = client.pipeline();
          pipelines[group] = pipeline;
        }
        pipeline.set(key, value);
        pipeline.get(key);
      }
      const replies = await Promise.all(pipelines.filter((p) => p !== undefined).map((p) => p.exec()));
      let failed = 0;
      for (const reply of replies) {
        if (reply === null) failed += count;
        else for (const [error] of reply) if (error) failed++;
      }
      return failed;
    },
    async close() {
      await client.quit();
    },
  };
}

/** Slot -> index of the node set that serves it (the unit ioredis accepts in one cluster pipeline). */
function slotGroups(slots: string[][]): { groupOfSlot: Int16Array; groupCount: number } {
  const groupOfSlot = new Int16Array(16384).fill(-1);
  const groups = new Map<string, number>();
  for (let slot = 0; slot < 16384; slot++) {
    const nodes = slots[slot];
    if (!nodes || nodes.length === 0) throw new Error(`ioredis knows no node for slot ${slot}`);
    const id = nodes.join(',');
    let group = groups.get(id);
    if (group === undefined) {
      group = groups.size;
      groups.set(id, group);
    }
    groupOfSlot[slot] = group;
  }
  return { groupOfSlot, groupCount: groups.size };
}
