// close() and destroy() of a ConnectionManager while it is reconnecting to a server that accepts the connection and
// never answers (a TcpProxy black-holing every byte): the attempt is abandoned at once, so no socket is left open
// after close() and nothing keeps the process alive until the connect timeout. Plain TCP hangs in the Redis
// handshake (HELLO); TLS hangs earlier, while the socket itself is being opened (the TLS handshake).
import { type DevStandalone, startStandalone, TcpProxy, waitFor } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClosedError, type ConnectionManager } from '../src/index.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
let proxy: TcpProxy;
let tlsProxy: TcpProxy;
let ca: string | Buffer;
const managers: ConnectionManager[] = [];

beforeAll(async () => {
  server = await startStandalone({ tls: true });
  if (server.tlsPort === undefined || server.tls === undefined) throw new Error('started without TLS');
  ca = server.tls.ca;
  proxy = await TcpProxy.start(server);
  tlsProxy = await TcpProxy.start({ host: server.host, port: server.tlsPort });
});
afterAll(async () => {
  await proxy?.close();
  await tlsProxy?.close();
  await server?.stop();
});
afterEach(() => {
  for (const manager of managers.splice(0)) manager.destroy();
  proxy.restore();
  tlsProxy.restore();
});

/**
 * A manager through the proxy, then the proxy black-holes and cuts it: the manager's reconnect attempt is accepted
 * and hangs in its handshake, within connect and command deadlines far beyond the test.
 */
async function managerStuckReconnecting(
  proxy: TcpProxy,
  tls?: { ca: string | Buffer },
): Promise<ConnectionManager> {
  const manager = await new Client({ port: proxy.port, tls }).getConnectionManager({
    connectTimeoutMs: 120_000,
    commandTimeoutMs: 120_000,
    backoff: { baseMs: 10, maxMs: 100 },
  });
  managers.push(manager);
  await manager.ping();
  const { accepted } = proxy.stats();
  proxy.blackhole();
  proxy.cut();
  await waitFor(() => proxy.stats().accepted > accepted && proxy.stats().open === 1, {
    timeoutMs: 5_000,
    intervalMs: 5,
    message: 'a reconnect attempt accepted by the black-holing proxy',
  });
  return manager;
}

async function untilNoConnectionOpen(proxy: TcpProxy, what: string): Promise<void> {
  await waitFor(() => proxy.stats().open === 0, { timeoutMs: 5_000, intervalMs: 5, message: what });
}

describe(onServer('close() while a reconnect attempt hangs'), () => {
  it('close() during the Redis handshake abandons the attempt: its socket is closed, waiting commands fail with ClosedError', async () => {
    const manager = await managerStuckReconnecting(proxy);
    const waiting = manager.get('k');
    await manager.close();
    await expect(waiting).rejects.toBeInstanceOf(ClosedError);
    await untilNoConnectionOpen(proxy, 'the reconnect attempt socket to close after close()');
  });

  it('destroy() during the Redis handshake abandons the attempt: its socket is closed', async () => {
    const manager = await managerStuckReconnecting(proxy);
    manager.destroy();
    await untilNoConnectionOpen(proxy, 'the reconnect attempt socket to close after destroy()');
  });

  it('close() abandons a dedicated connection being made for a BLPOP: its socket is closed, the BLPOP fails with ClosedError', async () => {
    const manager = await managerStuckReconnecting(proxy);
    const { accepted } = proxy.stats();
    const popped = manager.blpop('close-while-connecting', 0);
    await waitFor(() => proxy.stats().accepted > accepted && proxy.stats().open === 2, {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: "the BLPOP's dedicated connection accepted by the black-holing proxy",
    });
    let result: unknown;
    void popped.catch((error: unknown) => {
      result = error;
    });
    await manager.close();
    await waitFor(() => result !== undefined, {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: 'the BLPOP to settle after close()',
    });
    expect(result).toBeInstanceOf(ClosedError);
    await untilNoConnectionOpen(proxy, 'the dedicated connection attempt socket to close after close()');
  });

  it('sixteen BLPOPs making their dedicated connections at once add no more close listeners than allowed (no MaxListenersExceededWarning)', async () => {
    const manager = await new Client({ port: server.port }).getConnectionManager();
    managers.push(manager);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const popped = Array.from({ length: 16 }, (_, i) => manager.blpop(`many-at-once:${i}`, 0.01));
      expect(await Promise.all(popped)).toEqual(Array(16).fill(null));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('close() during the TLS handshake (the socket not open yet) abandons the attempt: its socket is closed', async () => {
    const manager = await managerStuckReconnecting(tlsProxy, { ca });
    const waiting = manager.get('k');
    await manager.close();
    await expect(waiting).rejects.toBeInstanceOf(ClosedError);
    await untilNoConnectionOpen(tlsProxy, 'the TLS reconnect attempt socket to close after close()');
  });
});
