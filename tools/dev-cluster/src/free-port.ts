import net from 'node:net';

/** Every dev server binds and is reached on this address only. */
export const LOOPBACK_HOST = '127.0.0.1';

/** Redis listens for cluster bus traffic on the client port plus this offset. */
export const CLUSTER_BUS_PORT_OFFSET = 10_000;

// Ports this process already handed out: the probe socket is closed before redis binds the port,
// so without this two nodes started at once could be given the same port.
const handedOut = new Set<number>();

/**
 * Finds a free loopback port by binding port 0. With `withClusterBus`, port + 10000 (the cluster bus) must
 * be free too. Another process can still take the port before redis binds it; callers retry on that.
 */
export async function findFreePort({ withClusterBus = false } = {}): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await listenOnce(0);
    if (port === undefined || handedOut.has(port)) continue;
    if (withClusterBus) {
      const busPort = port + CLUSTER_BUS_PORT_OFFSET;
      if (busPort > 65_535 || (await listenOnce(busPort)) === undefined) continue;
    }
    handedOut.add(port);
    return port;
  }
  throw new Error('Could not find a free loopback port');
}

/** Binds 127.0.0.1:port and closes again; returns the bound port, or undefined when it is taken. */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}
