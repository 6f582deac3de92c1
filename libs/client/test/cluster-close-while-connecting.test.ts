// close() and destroy() of a ClusterConnection while a node's reconnect attempt hangs (its TCP proxy accepts the
// connection and black-holes every byte): the attempt is abandoned at once, so no socket is left open after close()
// and nothing keeps the process alive until the connect timeout. Each node sits behind a proxy through `natMap`.
import { type TcpProxy, waitFor } from '@keyslot/dev-cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { slotOfKey } from '../src/cluster/key-slots.js';
import { ClusterClient, type ClusterConnection } from '../src/index.js';
import { withProxiedCluster } from './support/proxied-cluster.js';
import { onServer } from './support/server.js';

const proxied = withProxiedCluster();
const connections: ClusterConnection[] = [];
const KEY = 'close-while-connecting';

afterEach(() => {
  for (const conn of connections.splice(0)) conn.destroy();
  for (const proxy of proxied.proxies) proxy.restore();
});

/**
 * A connection through the proxies, then the proxy of KEY's primary black-holes and cuts it: a GET of KEY makes the
 * node's handle dial again, and the attempt is accepted and hangs in its handshake, within connect and command
 * deadlines far beyond the test. Returns the connection, the waiting GET and that proxy.
 */
async function connectionStuckReconnecting(): Promise<{
  conn: ClusterConnection;
  waiting: Promise<unknown>;
  proxy: TcpProxy;
}> {
  const conn = await new ClusterClient([proxied.proxies[0]!.address], {
    natMap: proxied.natMap(),
  }).getConnection({
    connectTimeoutMs: 120_000,
    commandTimeoutMs: 120_000,
    topologyCheckIntervalMs: 600_000,
  });
  connections.push(conn);
  await conn.set(KEY, 'v');
  const proxy = proxied.proxyOf(proxied.cluster.ownerOf(slotOfKey(KEY))!.id);
  const { accepted } = proxy.stats();
  proxy.blackhole();
  proxy.cut();
  const waiting = conn.get(KEY);
  waiting.catch(() => undefined);
  await waitFor(() => proxy.stats().accepted > accepted && proxy.stats().open === 1, {
    timeoutMs: 10_000,
    intervalMs: 5,
    message: "the primary's reconnect attempt accepted by the black-holing proxy",
  });
  return { conn, waiting, proxy };
}

async function untilNoConnectionOpen(proxy: TcpProxy, what: string): Promise<void> {
  await waitFor(() => proxy.stats().open === 0, { timeoutMs: 5_000, intervalMs: 5, message: what });
}

describe(onServer('close() while a node reconnect attempt hangs'), () => {
  it('close() abandons the attempt: its socket is closed and the command waiting for the node fails', async () => {
    const { conn, waiting, proxy } = await connectionStuckReconnecting();
    await conn.close();
    await expect(waiting).rejects.toBeInstanceOf(Error);
    await untilNoConnectionOpen(proxy, 'the reconnect attempt socket to close after close()');
  });

  it('destroy() abandons the attempt: its socket is closed', async () => {
    const { conn, proxy } = await connectionStuckReconnecting();
    conn.destroy();
    await untilNoConnectionOpen(proxy, 'the reconnect attempt socket to close after destroy()');
  });
});
