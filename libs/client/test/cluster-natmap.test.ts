// Behind NAT the addresses a cluster announces cannot be dialled: every connection, redirects included, must go
// through `natMap`. Here each node sits behind a TCP proxy and natMap points at the proxies.
import { describe, expect, it } from 'vitest';
import { slotOfKey } from '../src/cluster/key-slots.js';
import { ClusterClient } from '../src/index.js';
import { withProxiedCluster } from './support/proxied-cluster.js';
import { onServer } from './support/server.js';

const proxied = withProxiedCluster();

describe(onServer('natMap'), () => {
  it('maps the topology and the targets of MOVED redirects: the announced addresses are never dialled', async () => {
    const { cluster, proxies } = proxied;
    const natMap = proxied.natMap();
    const conn = await new ClusterClient([proxies[0]!.address], { natMap }).getConnection({
      topologyCheckIntervalMs: 600_000,
    });
    const dialled: string[] = [];
    conn.on('nodeUp', (address) => dialled.push(address));
    try {
      expect(
        conn
          .topology()
          .nodes.map((node) => node.address)
          .sort(),
      ).toEqual(proxies.map((p) => p.address).sort());
      const key = 'natmap:moved';
      await conn.set(key, 'before');
      const owner = cluster.ownerOf(slotOfKey(key))!;
      const target = cluster.primaries.find((primary) => primary.id !== owner.id)!;
      await cluster.moveSlots([slotOfKey(key)], target);
      // The client's map is stale: the GET meets MOVED naming the target's real address.
      expect(await conn.get(key)).toBe('before');
      expect(conn.stats().redirects).toBeGreaterThan(0);
      const real = new Set(cluster.nodes.map((node) => node.address));
      expect(dialled.filter((address) => real.has(address))).toEqual([]);
    } finally {
      conn.destroy();
    }
  });
});
