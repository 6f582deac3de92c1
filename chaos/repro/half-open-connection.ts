// Reproduction: a node connection whose path swallows bytes (a half-open TCP connection: the peer is still "there"
// at the TCP level, nothing comes back) is never replaced. Every command routed to that node times out, for as long
// as the socket stays open, although a new connection to the same node would work at once. Chaos scenario 6b ends
// its black hole with a reset; without it, the shard stays unreachable for this client.
//
//   node --conditions=@keyslot/source --import tsx chaos/repro/half-open-connection.ts
//
// Expected: after a few timeouts, the client replaces the silent connection and GET succeeds again.
// Actual: ERR_KEYSLOT_TIMEOUT on every attempt, with the node shown as connected.
import { ClusterClient } from '@keyslot/client';
import { startCluster } from '@keyslot/dev-cluster';
import { slotOf } from '../src/keys.js';
import { TcpProxy } from '../src/tcp-proxy.js';

const cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
const proxies = new Map<string, TcpProxy>();
try {
  const natMap: Record<string, { host: string; port: number }> = {};
  for (const node of cluster.nodes) {
    const proxy = await TcpProxy.start({ host: node.host, port: node.port });
    proxies.set(node.address, proxy);
    natMap[node.address] = { host: '127.0.0.1', port: proxy.port };
  }
  const conn = await new ClusterClient(
    [...proxies.values()].map((proxy) => proxy.address),
    { natMap },
  ).getConnection({ commandTimeoutMs: 1000 });
  const victim = cluster.primaries[0]!;
  let key = 'k0';
  for (let i = 1; cluster.ownerOf(slotOf(key))?.id !== victim.id; i++) key = `k${i}`;
  await conn.set(key, 'value');
  const proxy = proxies.get(victim.address)!;
  // Swallow the bytes of the connection open now, then forward again: only new connections work.
  proxy.blackhole();
  console.log('during the black hole:', await conn.get(key).catch((error: { code?: string }) => error.code));
  proxy.forwardNewConnections();
  const started = Date.now();
  for (let attempt = 0; attempt < 8; attempt++) {
    const outcome = await conn.get(key).then(
      (value) => `ok: ${value}`,
      (error: { code?: string }) => String(error.code),
    );
    console.log(`+${Date.now() - started} ms`, outcome);
  }
  const node = conn.topology().nodes.find((candidate) => candidate.address === proxy.address);
  console.log('the node as the client sees it:', { connected: node?.connected, pending: node?.pending });
  console.log('proxy:', proxy.stats());
  conn.destroy();
} finally {
  for (const proxy of proxies.values()) await proxy.close();
  await cluster.stop();
}
