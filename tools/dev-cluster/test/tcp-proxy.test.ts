import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../src/tcp-proxy.js';
import { waitFor } from '../src/wait-for.js';

/** An echo server behind the proxy. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client connection through `proxy`, destroyed after the test. */
function connectTo(proxy: TcpProxy): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port: proxy.port }, () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.destroy());
  });
}

/** What arrives on `socket` within `ms`, or as soon as `awaited` has arrived. */
function received(socket: Socket, ms: number, awaited?: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(text);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text === awaited) done();
    };
    const timer = setTimeout(done, ms);
    socket.on('data', onData);
  });
}

/** How `socket` ends: 'reset', 'closed', or 'open' when it did not end within `ms`. */
function ending(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), ms);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNRESET' ? 'reset' : String(error.code));
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

/** For `waitFor`: what happens on loopback within a few milliseconds. */
const SOON = { timeoutMs: 1_000, intervalMs: 5 };

/** Opens a new connection through `proxy` and checks that `text` comes back. */
async function expectRoundTrip(proxy: TcpProxy, text: string): Promise<void> {
  const socket = await connectTo(proxy);
  const reply = received(socket, 2_000, text);
  socket.write(text);
  expect(await reply).toBe(text);
}

async function setup(): Promise<TcpProxy> {
  const echo = await echoServer();
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
  cleanups.push(() => new Promise((resolve) => echo.server.close(resolve)));
  cleanups.push(() => proxy.close());
  return proxy;
}

describe('TcpProxy', () => {
  it('forwards both ways', async () => {
    const proxy = await setup();
    const socket = await connectTo(proxy);
    const reply = received(socket, 2_000, 'hello');
    socket.write('hello');
    expect(await reply).toBe('hello');
    expect(proxy.stats()).toMatchObject({ accepted: 1, open: 1, forwardedBytes: 10 });
  });

  it('cut() resets every connection; new ones are forwarded', async () => {
    const proxy = await setup();
    const sockets = await Promise.all([connectTo(proxy), connectTo(proxy)]);
    const endings = sockets.map((socket) => ending(socket, 1_000));
    await waitFor(() => proxy.stats().open === 2, {
      ...SOON,
      message: 'the proxy to accept both connections',
    });
    expect(proxy.cut()).toBe(2);
    expect(await Promise.all(endings)).toEqual(['reset', 'reset']);
    await expectRoundTrip(proxy, 'again');
  });

  it.each([
    // Nothing reaches the echo server.
    { fault: 'blackhole', forwardedBytes: 0 },
    // Everything reaches the echo server (it sends it back), and only its echoes are dropped.
    { fault: 'swallowReplies', forwardedBytes: 12 },
  ] as const)(
    '$fault() drops bytes on open and new connections without closing them; restore() resets those',
    async ({ fault, forwardedBytes }) => {
      const proxy = await setup();
      const before = await connectTo(proxy);
      proxy[fault]();
      const after = await connectTo(proxy);
      const replies = [received(before, 150), received(after, 150)];
      const endings = [ending(before, 1_000), ending(after, 1_000)];
      before.write('lost');
      after.write('lost too');
      await waitFor(() => proxy.stats().droppedBytes === 12, { ...SOON, message: 'the bytes to be dropped' });
      expect(await Promise.all(replies)).toEqual(['', '']);
      expect(proxy.stats()).toMatchObject({ forwardedBytes, open: 2 });
      expect(proxy.restore()).toBe(2);
      expect(await Promise.all(endings)).toEqual(['reset', 'reset']);
      await expectRoundTrip(proxy, 'back');
    },
  );

  it('limitRate() forwards in slices, in order, until lifted', async () => {
    const proxy = await setup();
    const socket = await connectTo(proxy);
    proxy.limitRate(2_000); // 20 bytes every 10 ms
    const text = 'abcdefghij'.repeat(20);
    const chunks: string[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const reply = received(socket, 5_000, text);
    socket.write(text);
    expect(await reply).toBe(text);
    expect(chunks.length).toBeGreaterThan(1);
    proxy.limitRate(undefined);
    const fast = received(socket, 2_000, 'at full speed');
    socket.write('at full speed');
    expect(await fast).toBe('at full speed');
  });

  it.each([
    // Only the new connection's bytes pass.
    { fault: 'blackhole', forwardedBytes: 10 },
    // And everything the stale connection sends: only its replies are lost, for good.
    { fault: 'swallowReplies', forwardedBytes: 22 },
  ] as const)(
    'forwardNewConnections() after $fault() leaves the connections that lost bytes open and silent (half-open)',
    async ({ fault, forwardedBytes }) => {
      const proxy = await setup();
      const stale = await connectTo(proxy);
      proxy[fault]();
      stale.write('lost');
      await waitFor(() => proxy.stats().droppedBytes === 4, { ...SOON, message: 'the bytes to be dropped' });
      proxy.forwardNewConnections();
      // A byte stream with a hole would give the client later replies for the wrong commands.
      const staleReply = received(stale, 150);
      const staleEnding = ending(stale, 200);
      stale.write('lost too');
      await expectRoundTrip(proxy, 'works');
      expect(await staleReply).toBe('');
      expect(await staleEnding).toBe('open');
      expect(proxy.stats()).toMatchObject({ droppedBytes: 12, forwardedBytes });
    },
  );

  it('refuseNewConnections() closes new connections as soon as accepted and counts them; open ones still forward', async () => {
    const proxy = await setup();
    const open = await connectTo(proxy);
    proxy.refuseNewConnections();
    const refused = await connectTo(proxy);
    expect(await ending(refused, 1_000)).toBe('closed');
    expect(proxy.stats()).toMatchObject({ accepted: 1, refused: 1, open: 1 });
    const reply = received(open, 2_000, 'still here');
    open.write('still here');
    expect(await reply).toBe('still here');
    expect(proxy.restore()).toBe(0);
    await expectRoundTrip(proxy, 'welcome back');
    expect(proxy.stats()).toMatchObject({ accepted: 2, refused: 1 });
  });
});
