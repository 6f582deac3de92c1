// A TCP proxy in front of one node, for faults the servers cannot produce themselves: connections cut or refused,
// and a path that swallows bytes (both ways, or only the replies) while every socket stays open. Used by the chaos
// suite and the client's fault tests.
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

/** What the proxy does with new connections and with the bytes of its connections. */
export type ProxyMode = 'forward' | 'blackhole' | 'swallow-replies' | 'refuse';

/** Which way bytes flow on a connection: what the client sends, or what the server answers. */
type Direction = 'toServer' | 'toClient';

/** The directions whose bytes each mode drops. */
const DROPPED: Record<ProxyMode, readonly Direction[]> = {
  forward: [],
  blackhole: ['toServer', 'toClient'],
  'swallow-replies': ['toClient'],
  refuse: [],
};

/** Counters of one proxy since it started. */
export interface ProxyStats {
  /** Client connections accepted and relayed (refused ones are counted apart). */
  accepted: number;
  /** Client connections closed as soon as accepted, while refusing. */
  refused: number;
  /** Client connections open now. */
  open: number;
  /** Connections destroyed by `cut()` or `restore()`. */
  cut: number;
  /** Bytes passed on, both directions. */
  forwardedBytes: number;
  /** Bytes read and thrown away (black-holed, or swallowed replies), both directions. */
  droppedBytes: number;
}

interface Link {
  client: Socket;
  upstream: Socket;
  /** Directions that swallowed bytes: their byte streams have holes, so they can never forward again. */
  holes: Set<Direction>;
}

/**
 * Listens on a free loopback port and forwards every connection to `target`.
 *
 * - `cut()` destroys every open connection at once (both sides see a reset); new connections are handled as
 *   before (forwarded, unless the proxy refuses them), so a client can reconnect straight away.
 * - `blackhole()` keeps every socket open but reads and drops the bytes of both directions, on the connections
 *   open now and on new ones (a new connection is accepted, then nothing it sends arrives): a peer that is
 *   "there" but never answers. Nothing is signalled to either side.
 * - `swallowReplies()` forwards what clients send but drops what the server answers, on open and new
 *   connections: the server runs every command and no reply arrives. Then `cut()`: a connection lost after its
 *   command ran.
 * - `refuseNewConnections()` closes every new connection as soon as it is accepted (open ones are left alone):
 *   with `cut()`, a node that cannot be reached.
 * - `restore()` forwards new connections again and destroys those that lost bytes: their byte streams have holes
 *   and cannot be resumed (as when a stateful firewall drops its state and answers the next packet with a reset).
 * - `forwardNewConnections()` forwards new connections again and leaves those that lost bytes open and silent.
 * - `limitRate(bytesPerSecond)` forwards at most that fast, in slices every 10 ms: a slow link that keeps delivering.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly links = new Set<Link>();
  private currentMode: ProxyMode = 'forward';
  private bytesPerSecond: number | undefined;
  private readonly counters = { accepted: 0, refused: 0, cut: 0, forwardedBytes: 0, droppedBytes: 0 };
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

  /** Resets every open connection now (both sides see ECONNRESET). New connections are handled as before. */
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

  /**
   * From now on, replies (bytes from the server) of every connection, open and new, are read and dropped, while
   * what clients send is still forwarded: the server runs the commands, and their replies are lost.
   */
  swallowReplies(): void {
    this.currentMode = 'swallow-replies';
  }

  /**
   * From now on, new connections are closed as soon as accepted (counted in `stats().refused`), before any byte
   * passes: a client's connect succeeds and its handshake fails. Open connections are left alone; `cut()` them.
   */
  refuseNewConnections(): void {
    this.currentMode = 'refuse';
  }

  /** Forwards again and destroys the connections that lost bytes (their streams have holes). Returns how many. */
  restore(): number {
    this.currentMode = 'forward';
    const holed = [...this.links].filter((link) => link.holes.size > 0);
    for (const link of holed) this.drop(link, true);
    this.counters.cut += holed.length;
    return holed.length;
  }

  /**
   * Forwards new connections again but leaves those that lost bytes as they are: open, and silent for good in the
   * directions that lost them. A half-open connection, as after a partition that no reset ever announced.
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
    if (this.currentMode === 'refuse') {
      this.counters.refused++;
      // A port nobody listens on would refuse the connect itself; closing after the accept is what a listening
      // proxy can do, and it lets the refusals be counted.
      client.destroy();
      return;
    }
    this.counters.accepted++;
    const upstream = netConnect({ host: this.targetHost, port: this.targetPort });
    const link: Link = { client, upstream, holes: new Set() };
    this.links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const drop = () => this.drop(link);
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    this.relay(link, 'toServer', client, upstream);
    this.relay(link, 'toClient', upstream, client);
  }

  /** Passes `from`'s bytes to `to` with backpressure, or drops them while the mode drops `direction`. */
  private relay(link: Link, direction: Direction, from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (link.holes.has(direction) || DROPPED[this.currentMode].includes(direction)) {
        link.holes.add(direction);
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
