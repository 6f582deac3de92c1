// Reproduction: MOVED and ASK redirects are followed to the address the cluster announces, not through `natMap`.
// The client is pointed at a TCP proxy per node; a slot is moved; the next command on that slot is redirected and
// the client dials the node's real address, bypassing the proxy (in a real NAT setup: an unreachable address).
//
//   node --conditions=@keyslot/source --import tsx chaos/repro/natmap-redirect.ts
import { ClusterClient } from '@keyslot/client';
import { startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { slotOf } from '../src/keys.js';

const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
const proxies: TcpProxy[] = [];
try {
  const natMap: Record<string, { host: string; port: number }> = {};
  for (const node of cluster.nodes) {
    const proxy = await TcpProxy.start({ host: node.host, port: node.port });
    proxies.push(proxy);
    natMap[node.address] = { host: '127.0.0.1', port: proxy.port };
  }
  const conn = await new ClusterClient(
    proxies.map((proxy) => proxy.address),
    { natMap },
  ).getConnection({ topologyCheckIntervalMs: 600_000 });
  const dialed: string[] = [];
  conn.on('nodeUp', (address) => dialed.push(address));
  const key = 'natmap:key';
  await conn.set(key, 'before the move');
  const owner = cluster.ownerOf(slotOf(key))!;
  const target = cluster.primaries.find((primary) => primary.id !== owner.id)!;
  await cluster.moveSlots([slotOf(key)], target);
  console.log('GET after the move ->', await conn.get(key));
  const real = new Set(cluster.nodes.map((node) => node.address));
  const bypassed = dialed.filter((address) => real.has(address));
  console.log('connections opened after the move:', dialed);
  console.log(
    bypassed.length > 0
      ? `BUG: dialed the announced address ${bypassed.join(', ')} instead of its natMap entry ${JSON.stringify(natMap[bypassed[0]!])}`
      : 'ok: every connection went through natMap',
  );
  conn.destroy();
} finally {
  for (const proxy of proxies) await proxy.close();
  await cluster.stop();
}
