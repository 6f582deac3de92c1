// node-redis (`redis` 6) createCluster, RESP3 (`RESP: 3`, also its default).
//
// A cluster `multi()` goes to the node of its first key, whatever the other keys, so the explicit batch is one
// `multi(routingKey).execAsPipeline()` (no MULTI/EXEC: a plain pipeline) per primary, all sent at once; the
// slot -> primary table is built once from `cluster.slots` after connecting, and each key's slot is computed per
// batch as a user would have to.
import calculateSlot from 'cluster-key-slot';
import { createCluster, RESP_TYPES } from 'redis';
import type { ClusterAddresses, Driver } from './driver.js';

export async function connectNodeRedis(cluster: ClusterAddresses): Promise<Driver> {
  const client = createCluster({
    rootNodes: cluster.primaries.map((address) => ({ url: `redis://${address}` })),
    RESP: 3,
  });
  client.on('error', () => {}); // errors surface on commands
  await client.connect();
  const groupOfSlot = new Int16Array(16384).fill(-1);
  const groups = new Map<string, number>();
  client.slots.forEach((shard, slot) => {
    const address = shard.master.address;
    let group = groups.get(address);
    if (group === undefined) {
      group = groups.size;
      groups.set(address, group);
    }
    groupOfSlot[slot] = group;
  });
  const groupCount = groups.size;
  // Bulk strings as Buffers: node-redis's own way to read a binary value.
  const bufferClient = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  type Multi = ReturnType<typeof client.multi>;
  return {
    set: (key, value) => client.set(key, value),
    get: (key) => client.get(key),
    setBuffer: (key, value) => client.set(key, value),
    getBuffer: (key) => bufferClient.get(key),
    async batch(keys, start, count, value) {
      const multis: (Multi | undefined)[] = new Array(groupCount);
      const size = keys.length;
      for (let i = 0; i < count; i += 2) {
        const key = keys[(start + i) % size]!;
        const group = groupOfSlot[calculateSlot(key)]!;
        let multi = multis[group];
        if (multi === undefined) {
          multi = client.multi(key);
          multis[group] = multi;
        }
        multi.set(key, value);
        multi.get(key);
      }
      const settled = await Promise.allSettled(
        multis.filter((m) => m !== undefined).map((m) => m.execAsPipeline()),
      );
      let failed = 0;
      for (const result of settled) {
        if (result.status === 'rejected') failed += count / groupCount;
        else for (const reply of result.value) if (reply instanceof Error) failed++;
      }
      return failed;
    },
    async close() {
      await client.close();
    },
  };
}
