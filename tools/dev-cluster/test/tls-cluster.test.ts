import { describe, expect, it } from 'vitest';
import { parseInfo, replicaPortsInClusterSlots } from '../src/cluster-topology.js';
import { startCluster } from '../src/index.js';
import { rawCommand } from './helpers.js';

describe('TLS cluster', () => {
  it('forms over TLS (client, bus and replication) and is reached with the generated CA', async () => {
    const cluster = await startCluster({ primaries: 2, replicasPerPrimary: 1, tls: true });
    try {
      const { ca } = cluster.tls!;
      for (const node of cluster.nodes) {
        const info = parseInfo(String(await rawCommand(node.port, ['CLUSTER', 'INFO'], { ca })));
        expect(info.cluster_state).toBe('ok');
      }
      const listed = replicaPortsInClusterSlots(await cluster.admin(cluster.nodes[0]!, 'CLUSTER', 'SLOTS'));
      expect([...listed].sort()).toEqual(cluster.replicas.map((node) => node.port).sort());
    } finally {
      await cluster.stop();
    }
  });
});
