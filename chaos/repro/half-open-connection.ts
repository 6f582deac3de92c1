// Reproduction, fixed since: a node connection whose path swallows bytes (a half-open TCP connection: the peer is
// still "there" at the TCP level, nothing comes back) used to be kept for as long as its socket stayed open, every
// command routed to that node timing out although a new connection to the same node would work at once. Now it is
// dropped once a reply is overdue and nothing has been read for a whole command timeout (ReplyWatchdog in
// libs/client), and the node is reconnected. Chaos scenario 6c runs the same fault under load.
//
//   node --conditions=@keyslot/source --import tsx chaos/repro/half-open-connection.ts
//
// Expected, and seen now: one ERR_KEYSLOT_TIMEOUT during the black hole, then GET succeeds at once, through a new
// connection (the proxy shows 2 accepted, 0 cut).
// Before the fix: ERR_KEYSLOT_TIMEOUT on every attempt, with the node shown as connected.
import { ClusterClient } from '@keyslot/client';
import { startCluster, TcpProxy } from '@keyslot/dev-cluster';
import { slotOf } from '../src/keys.js';

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
