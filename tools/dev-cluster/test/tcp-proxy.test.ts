import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../src/tcp-proxy.js';

/** An echo server behind the proxy. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function connectTo(proxy: TcpProxy): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port: proxy.port }, () => resolve(socket));
    socket.once('error', reject);
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

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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
    cleanups.push(() => socket.destroy());
    const reply = received(socket, 2_000, 'hello');
    socket.write('hello');
    expect(await reply).toBe('hello');
    expect(proxy.stats()).toMatchObject({ accepted: 1, open: 1, forwardedBytes: 10 });
  });

  it('cut() resets every connection; new ones are forwarded', async () => {
    const proxy = await setup();
    const sockets = await Promise.all([connectTo(proxy), connectTo(proxy)]);
    const endings = sockets.map((socket) => ending(socket, 1_000));
    // Wait (with a deadline) until the proxy has accepted both.
    for (const deadline = Date.now() + 1000; proxy.stats().open < 2; ) {
      if (Date.now() > deadline) throw new Error('the proxy did not accept both connections');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(proxy.cut()).toBe(2);
    expect(await Promise.all(endings)).toEqual(['reset', 'reset']);
    const fresh = await connectTo(proxy);
    cleanups.push(() => fresh.destroy());
    const reply = received(fresh, 2_000, 'again');
    fresh.write('again');
    expect(await reply).toBe('again');
  });

  it('blackhole() swallows bytes on open and new connections without closing them; restore() resets those', async () => {
    const proxy = await setup();
    const before = await connectTo(proxy);
    cleanups.push(() => before.destroy());
    proxy.blackhole();
    const after = await connectTo(proxy);
    cleanups.push(() => after.destroy());
    const replies = [received(before, 150), received(after, 150)];
    const endings = [ending(before, 1_000), ending(after, 1_000)];
    before.write('lost');
    after.write('lost too');
    expect(await Promise.all(replies)).toEqual(['', '']);
    expect(proxy.stats().droppedBytes).toBe(12);
    expect(proxy.stats().open).toBe(2);
    expect(proxy.restore()).toBe(2);
    expect(await Promise.all(endings)).toEqual(['reset', 'reset']);
    const fresh = await connectTo(proxy);
    cleanups.push(() => fresh.destroy());
    const reply = received(fresh, 2_000, 'back');
    fresh.write('back');
    expect(await reply).toBe('back');
  });

  it('limitRate() forwards in slices, in order, until lifted', async () => {
    const proxy = await setup();
    const socket = await connectTo(proxy);
    cleanups.push(() => socket.destroy());
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

  it('forwardNewConnections() leaves black-holed connections open and silent (half-open)', async () => {
    const proxy = await setup();
    const stale = await connectTo(proxy);
    cleanups.push(() => stale.destroy());
    proxy.blackhole();
    stale.write('swallowed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.forwardNewConnections();
    const staleReply = received(stale, 150);
    const staleEnding = ending(stale, 200);
    stale.write('still swallowed');
    const fresh = await connectTo(proxy);
    cleanups.push(() => fresh.destroy());
    const freshReply = received(fresh, 2_000, 'works');
    fresh.write('works');
    expect(await staleReply).toBe('');
    expect(await staleEnding).toBe('open');
    expect(await freshReply).toBe('works');
  });
});
