// A TCP proxy in front of one node, for faults the servers cannot produce themselves: connections cut, and a
// path that swallows bytes while every socket stays open. Used by the chaos suite and the client's fault tests.
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

/** What the proxy does with the bytes of its connections. */
export type ProxyMode = 'forward' | 'blackhole';

/** Counters of one proxy since it started. */
export interface ProxyStats {
  /** Client connections accepted. */
  accepted: number;
  /** Client connections open now. */
  open: number;
  /** Connections destroyed by `cut()` or `restore()`. */
  cut: number;
  /** Bytes passed on, both directions. */
  forwardedBytes: number;
  /** Bytes read and thrown away while black-holed, both directions. */
  droppedBytes: number;
}

interface Link {
  client: Socket;
  upstream: Socket;
  /** Set when the link swallowed bytes: its byte streams have holes, so it can never forward again. */
  holed: boolean;
}

/**
 * Listens on a free loopback port and forwards every connection to `target`.
 *
 * - `cut()` destroys every open connection at once (both sides see a reset); new connections are accepted and
 *   forwarded as before, so a client can reconnect straight away.
 * - `blackhole()` keeps every socket open but reads and drops the bytes of both directions, on the connections
 *   open now and on new ones (a new connection is accepted, then nothing it sends arrives): a peer that is
 *   "there" but never answers. Nothing is signalled to either side.
 * - `restore()` forwards new connections again and destroys the black-holed ones: their byte streams lost data
 *   and cannot be resumed (as when a stateful firewall drops its state and answers the next packet with a reset).
 * - `forwardNewConnections()` forwards new connections again and leaves the black-holed ones open and silent.
 * - `limitRate(bytesPerSecond)` forwards at most that fast, in slices every 10 ms: a slow link that keeps delivering.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly links = new Set<Link>();
  private currentMode: ProxyMode = 'forward';
  private bytesPerSecond: number | undefined;
  private readonly counters = { accepted: 0, cut: 0, forwardedBytes: 0, droppedBytes: 0 };
  port = 0;

  private constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  /** Starts a proxy in front of `host:port`, listening on a free port of 127.0.0.1. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.listen();
    return proxy;
  }

  /** `127.0.0.1:port` of the proxy: where clients connect. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `host:port` of the node behind it. */
  get target(): string {
    return `${this.targetHost}:${this.targetPort}`;
  }

  get mode(): ProxyMode {
    return this.currentMode;
  }

  stats(): ProxyStats {
    return { ...this.counters, open: this.links.size };
  }

  /** Resets every open connection now (both sides see ECONNRESET). New connections are still accepted. */
  cut(): number {
    const links = [...this.links];
    for (const link of links) this.drop(link, true);
    this.counters.cut += links.length;
    return links.length;
  }

  /** From now on, bytes of every connection (open and new) are read and dropped; sockets stay open. */
  blackhole(): void {
    this.currentMode = 'blackhole';
  }

  /** Forwards again; connections that lost bytes while black-holed are destroyed. Returns how many. */
  restore(): number {
    this.currentMode = 'forward';
    const holed = [...this.links].filter((link) => link.holed);
    for (const link of holed) this.drop(link, true);
    this.counters.cut += holed.length;
    return holed.length;
  }

  /**
   * Forwards new connections again but leaves the black-holed ones as they are: open, and silent for good. A
   * half-open connection, as after a partition that no reset ever announced.
   */
  forwardNewConnections(): void {
    this.currentMode = 'forward';
  }

  /** Forwards at most `bytesPerSecond` each way, on open and new connections; `undefined` for full speed again. */
  limitRate(bytesPerSecond: number | undefined): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Stops listening and destroys every connection. */
  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.counters.accepted++;
    const upstream = netConnect({ host: this.targetHost, port: this.targetPort });
    const link: Link = { client, upstream, holed: false };
    this.links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const drop = () => this.drop(link);
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    this.relay(link, client, upstream);
    this.relay(link, upstream, client);
  }

  /** Passes `from`'s bytes to `to` with backpressure, or drops them while black-holed. */
  private relay(link: Link, from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.currentMode === 'blackhole' || link.holed) {
        link.holed = true;
        this.counters.droppedBytes += chunk.length;
        return;
      }
      this.counters.forwardedBytes += chunk.length;
      if (this.bytesPerSecond !== undefined) {
        this.dribble(from, to, chunk);
        return;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  }

  /** Passes `chunk` on a slice every 10 ms at the rate limit; `from` stays paused meanwhile, so the order holds. */
  private dribble(from: Socket, to: Socket, chunk: Buffer): void {
    from.pause();
    const slice = Math.max(1, Math.floor((this.bytesPerSecond ?? Number.POSITIVE_INFINITY) / 100));
    to.write(chunk.subarray(0, slice));
    const timer = setTimeout(() => {
      if (to.destroyed) return;
      if (chunk.length > slice) this.dribble(from, to, chunk.subarray(slice));
      else from.resume();
    }, 10);
    timer.unref();
  }

  private drop(link: Link, reset = false): void {
    if (!this.links.delete(link)) return;
    for (const socket of [link.client, link.upstream]) {
      if (reset && !socket.destroyed && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
