// valkey-glide 2 GlideClusterClient (Rust core in the same process: its threads count in process.cpuUsage()),
// RESP3 (its default, set explicitly). Default options otherwise (inflightRequestsLimit 1000).
// The explicit batch is a non-atomic `ClusterBatch` (a pipeline that glide splits per node itself).
import { ClusterBatch, Decoder, GlideClusterClient, ProtocolVersion } from '@valkey/valkey-glide';
import { type ClusterAddresses, type Driver, hostPort } from './driver.js';

export async function connectGlide(cluster: ClusterAddresses): Promise<Driver> {
  const client = await GlideClusterClient.createClient({
    addresses: cluster.primaries.map(hostPort),
    protocol: ProtocolVersion.RESP3,
    requestTimeout: 5000,
  });
  return {
    set: (key, value) => client.set(key, value),
    get: (key) => client.get(key),
    setBuffer: (key, value) => client.set(key, value),
    getBuffer: (key) => client.get(key, { decoder: Decoder.Bytes }),
    async batch(keys, start, count, value) {
      const batch = new ClusterBatch(false);
      const size = keys.length;
      for (let i = 0; i < count; i += 2) {
        const key = keys[(start + i) % size]!;
        batch.set(key, value);
        batch.get(key);
      }
      const replies = await client.exec(batch, false);
      let failed = 0;
      if (replies === null) return count;
      for (const reply of replies) if (reply instanceof Error) failed++;
      return failed;
    },
    async close() {
      client.close();
    },
  };
}
