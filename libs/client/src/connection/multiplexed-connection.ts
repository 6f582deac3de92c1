import type { Socket } from 'node:net';
import type { Command } from '../command.js';
import { blockingDeadlineMs, blockingTimeoutMs, sharedConnectionDeadline } from '../commands/blocking.js';
import { RedisCommands } from '../commands/redis-commands.js';
import { type StuckEvent, stuckChannel } from '../diagnostics-events.js';
import { ClosedError, ConnectionError, ProtocolError, type QueueFullError } from '../errors.js';
import { RespDecoder } from '../resp/decoder.js';
import { type EncodedCommand, encodeCommand } from '../resp/encode-command.js';
import { Multi } from '../transaction/multi.js';
import { queueFullError } from '../util/admission.js';
import { deadlineNow } from '../util/deadlines.js';
import { Fifo } from '../util/fifo.js';
import { addressOf, type NodeConnectionSettings } from './connection-options.js';
import { handshake } from './handshake.js';
import { openSocket } from './open-socket.js';
import { PromiseRequest } from './promise-request.js';
import { ReplyWatchdog } from './reply-watchdog.js';
import type { Request } from './request.js';
import type { ServerInfo } from './server-info.js';
import { SocketReads } from './socket-reads.js';

/** Per-connection behaviour chosen by whoever owns the connection. */
export interface ConnectionBehaviour {
  /** Deadline of each command, in ms, covering queueing and waiting for the reply. */
  commandTimeoutMs: number;
  /** Return bulk strings as Buffers by default. */
  returnBuffers?: boolean | undefined;
  /** Receives RESP3 push messages other than subscription confirmations (pub/sub messages, invalidations). */
  onPush?: (push: unknown[]) => void;
  /**
   * Runs a blocking command (BLPOP, XREAD BLOCK...) elsewhere, so it never stalls this shared connection.
   * Without it, the connection runs blocking commands itself (it is then a dedicated connection).
   */
  runBlocking?: <T>(command: Command<T>, blockMs: number) => Promise<T>;
  /**
   * Drop the connection, as lost, once it is stuck: a reply overdue and nothing read for a whole command timeout
   * (see `ReplyWatchdog`). For owners that make a new connection when one is lost; without it a stuck connection
   * stays open and each of its commands times out.
   */
  dropWhenStuck?: boolean | undefined;
}

/** Commands queued in one tick beyond which they are written without waiting for the end of the tick. */
const EARLY_FLUSH_COMMANDS = 64;

const SUBSCRIPTION_KINDS = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);

/**
 * One socket to one server, shared by any number of concurrent callers. Commands issued in the same tick go out in
 * one write; replies are matched strictly in order; a command whose deadline passes keeps its reply slot so later
 * replies stay matched. It does not reconnect: when the socket is lost every pending command fails, saying whether it
 * had been written, and `onClose` listeners run. Reconnecting is the job of `ConnectionManager` and the cluster, which
 * also have it drop itself once it stops delivering replies (`dropWhenStuck`).
 */
export class MultiplexedConnection extends RedisCommands<string> {
  /** `host:port` of the server. */
  readonly address: string;
  /** The RESP version agreed in the handshake. */
  protocol: 2 | 3 = 2;
  /**
   * What the server said it is in the handshake (HELLO's `server` and `version`): `{ name: 'valkey', version:
   * '8.0.1' }`. Undefined over RESP2, where no HELLO is sent.
   */
  server: ServerInfo | undefined;
  private readonly inflight = new Fifo<Request>();
  private outbox: Request[] = [];
  private flushScheduled = false;
  private writable = true;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly decoder: RespDecoder;
  private readonly closeListeners: ((error: Error | undefined) => void)[] = [];
  /** @internal Why the connection ended, once it has. */
  closeError: Error | undefined;
  private drainWaiters: (() => void)[] = [];
  private settleTimer: NodeJS.Timeout | null = null;
  private readonly watchdog: ReplyWatchdog | null;

  /**
   * @internal Opens the socket and runs the handshake; fails within the connect timeout. Applications get a
   * connection from `Client.getConnection()`.
   */
  static async connect(
    settings: NodeConnectionSettings,
    config: ConnectionBehaviour,
  ): Promise<MultiplexedConnection> {
    const reads = new SocketReads();
    const socket = await openSocket(settings, reads);
    const connection = new MultiplexedConnection(socket, settings, config, reads);
    try {
      await handshake(connection, settings);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    // The server may hang up during a step whose failure the handshake tolerates (CLIENT SETINFO): never hand out
    // a connection that is already closed.
    if (!connection.isOpen) {
      throw (
        connection.closeError ??
        new ConnectionError(
          `connection to ${connection.address} was closed during the handshake`,
          connection.address,
        )
      );
    }
    return connection;
  }

  private constructor(
    private readonly socket: Socket,
    private readonly settings: NodeConnectionSettings,
    private readonly config: ConnectionBehaviour,
    reads: SocketReads,
  ) {
    super();
    this.address = addressOf(settings);
    this.decoder = new RespDecoder({
      onReply: (value) => this.onReply(value),
      onPush: (value) => this.onPush(value),
    });
    this.watchdog = config.dropWhenStuck
      ? new ReplyWatchdog(
          config.commandTimeoutMs,
          () => this.inflight.peek(),
          (silentMs) => {
            if (stuckChannel.hasSubscribers)
              stuckChannel.publish({ address: this.address, silentMs } satisfies StuckEvent);
            this.destroy(this.stuckError(silentMs));
          },
        )
      : null;
    // Reads that came before the connection existed are copies of their own: decoded the same way.
    for (const chunk of reads.attach((target, nread) => this.onRead(target, nread))) {
      this.onRead(chunk, chunk.length);
    }
    socket.on('error', (error) =>
      this.fail(
        new ConnectionError(`connection to ${this.address} failed: ${error.message}`, this.address, {
          cause: error,
        }),
      ),
    );
    socket.on('close', () =>
      this.fail(new ConnectionError(`connection to ${this.address} was closed`, this.address)),
    );
  }

  /** Decodes what the socket read: `nread` bytes at the start of `target`, a buffer reused for later reads. */
  private onRead(target: Buffer, nread: number): void {
    this.watchdog?.resetSilence();
    try {
      this.decoder.feedRead(target, nread);
    } catch (error) {
      const protocolError =
        error instanceof ProtocolError
          ? error
          : new ProtocolError(`bad reply from ${this.address}`, { cause: error });
      this.fail(
        new ConnectionError(`${protocolError.message} (from ${this.address})`, this.address, {
          cause: protocolError,
        }),
      );
    }
  }

  /** True until the socket is lost or the connection closed. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The deadline of each command sent with `sendCommand`, in ms. */
  get commandTimeoutMs(): number {
    return this.config.commandTimeoutMs;
  }

  /** Commands written and waiting for a reply, plus those waiting to be written. */
  get pendingCount(): number {
    return this.inflight.length + this.outbox.length;
  }

  /** Runs when the socket is gone, with the error that ended it (`undefined` after `close()`). */
  onClose(listener: (error: Error | undefined) => void): void {
    if (this.state === 'closed') queueMicrotask(() => listener(this.closeError));
    else this.closeListeners.push(listener);
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    const blockMs = blockingTimeoutMs(command.name, command.args);
    if (blockMs === undefined) return this.execHere(command, this.config.commandTimeoutMs);
    if (this.config.runBlocking) {
      const shared = sharedConnectionDeadline(command.name, blockMs, this.config.commandTimeoutMs);
      if (shared === undefined) return this.config.runBlocking(command, blockMs);
      return shared instanceof Error ? Promise.reject(shared) : this.execHere(command, shared);
    }
    // A dedicated connection (lent by watch(), for one): the command blocks here, for as long as it asks.
    return this.execHere(command, blockingDeadlineMs(blockMs, this.config.commandTimeoutMs));
  }

  /** Runs a command on this very connection, with the given deadline (0 or Infinity: none). */
  execHere<T>(command: Command<T>, timeoutMs: number): Promise<T> {
    let payload: EncodedCommand;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      return Promise.reject(error);
    }
    const full = this.refusal(command.name, 1);
    if (full !== undefined) return Promise.reject(full);
    const request = new PromiseRequest<T>(
      command.name,
      payload,
      command.returnBuffers ?? this.config.returnBuffers ?? false,
      command.transform,
      this.address,
      timeoutMs,
    );
    this.send(request);
    return request.promise;
  }

  /**
   * Sends SUBSCRIBE-like commands. In RESP3 they are answered by one push per name, which settles the command.
   * @internal
   */
  subscribeCommand(name: string, names: readonly string[]): Promise<unknown> {
    const full = this.refusal(name, 1);
    if (full !== undefined) return Promise.reject(full);
    const request = new PromiseRequest<unknown>(
      name,
      encodeCommand(name, names),
      false,
      undefined,
      this.address,
      this.config.commandTimeoutMs,
    );
    request.awaitedPushes = names.length;
    this.send(request);
    return request.promise;
  }

  /**
   * Optimistic locking: WATCHes `keys`, runs `work` (which reads and then returns `connection.multi()...exec()`),
   * and UNWATCHes afterwards. Run it on a dedicated connection (the managers do), never on a shared one.
   */
  async watch<T>(
    keys: readonly (string | Buffer)[],
    work: (connection: MultiplexedConnection) => Promise<T>,
  ): Promise<T> {
    await this.execHere({ name: 'WATCH', args: keys }, this.config.commandTimeoutMs);
    try {
      return await work(this);
    } finally {
      if (this.isOpen)
        await this.execHere({ name: 'UNWATCH', args: [] }, this.config.commandTimeoutMs).catch(() => {});
    }
  }

  /** Starts a MULTI/EXEC transaction, written as one uninterrupted unit on this connection. */
  multi(): Multi {
    return new Multi((commands, returnBuffers) => this.runTransaction(commands, returnBuffers));
  }

  /** @internal Writes MULTI, the commands and EXEC together, so nothing else can come between them. */
  runTransaction(commands: readonly Command<unknown>[], returnBuffers: boolean): Promise<unknown[] | null> {
    const timeout = this.config.commandTimeoutMs;
    const payloads = commands.map((command) => encodeCommand(command.name, command.args));
    // MULTI, the commands and EXEC are admitted together: a transaction is never cut in the middle.
    const full = this.refusal('MULTI', payloads.length + 2);
    if (full !== undefined) return Promise.reject(full);
    const started = this.execHere({ name: 'MULTI', args: [] }, timeout);
    const queued = payloads.map((payload, index) => {
      const request = new PromiseRequest<unknown>(
        commands[index]!.name,
        payload,
        false,
        undefined,
        this.address,
        timeout,
      );
      this.send(request);
      return request.promise;
    });
    const exec = this.execHere<unknown[] | null>({ name: 'EXEC', args: [], returnBuffers }, timeout);
    // Errors while queueing show up again as EXECABORT on EXEC; EXEC's outcome is the one that counts.
    started.catch(() => {});
    for (const promise of queued) promise.catch(() => {});
    return exec;
  }

  /**
   * @internal Queues a request for the next write. The request learns its fate through its own callbacks. For owners that
   * admitted the request already (the cluster, a connection manager): nothing is refused here but a closed connection.
   */
  send(request: Request): void {
    if (this.state !== 'open') {
      request.onFailure(this.closedError(), this.address);
      return;
    }
    this.outbox.push(request);
    if (this.outbox.length >= EARLY_FLUSH_COMMANDS) {
      // A long burst (a big pipeline): let the server start on the first part while the rest is being encoded.
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Resolves once every command issued so far has settled, then ends the socket. New commands are refused. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    if (this.pendingCount > 0) {
      await new Promise<void>((resolve) => {
        this.drainWaiters.push(resolve);
        this.resolveOnceSettled();
      });
    }
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (this.closeError !== undefined) return; // lost meanwhile: fail() already cleaned up
    this.state = 'closed';
    this.watchdog?.stop();
    this.socket.end();
    this.notifyClosed(undefined);
  }

  /** Drops the socket now; pending commands fail (saying whether they had been written). */
  destroy(error?: Error): void {
    this.fail(error ?? new ClosedError(`connection to ${this.address} was destroyed`), true);
  }

  /**
   * The admission point of this connection's own callers (`execHere`, subscriptions, transactions): its queue,
   * written or not, holds at most `maxPending` commands.
   */
  private refusal(name: string, count: number): QueueFullError | undefined {
    const limit = this.settings.maxPending;
    return this.pendingCount + count <= limit ? undefined : queueFullError(name, limit, `on ${this.address}`);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (!this.writable || this.state === 'closed') return;
    const batch = this.outbox;
    if (batch.length === 0) return;
    this.outbox = [];
    let text = '';
    let chunks: (string | Uint8Array)[] | null = null;
    for (let i = 0; i < batch.length; i++) {
      const request = batch[i]!;
      if (request.done) continue; // timed out before it was written: it never reaches the server
      const payload = request.payload;
      if (typeof payload === 'string') {
        text += payload;
      } else {
        if (chunks === null) chunks = [];
        if (text.length > 0) {
          chunks.push(text);
          text = '';
        }
        if (payload instanceof Uint8Array) chunks.push(payload);
        else {
          // A large argument's own bytes between the rest of its command: no copy, one corked series of writes.
          for (const part of payload) {
            if (typeof part === 'string') text += part;
            else {
              if (text.length > 0) {
                chunks.push(text);
                text = '';
              }
              chunks.push(part);
            }
          }
        }
      }
      request.written = true;
      request.writtenTo = this.watchdog;
      if (this.inflight.length === 0) {
        this.decoder.returnBuffers = request.returnBuffers;
        this.watchdog?.resetSilence(); // nothing was owed until now: silence before this is no sign of trouble
      }
      this.inflight.push(request);
    }
    let accepted = true;
    if (chunks === null) {
      if (text.length > 0) accepted = this.socket.write(text);
    } else {
      if (text.length > 0) chunks.push(text);
      this.socket.cork();
      for (const chunk of chunks) accepted = this.socket.write(chunk);
      this.socket.uncork();
    }
    if (!accepted) {
      // Backpressure: keep later commands in the outbox until the kernel takes what we gave it.
      this.writable = false;
      this.socket.once('drain', () => {
        this.writable = true;
        this.flush();
      });
    }
  };

  private onReply(value: unknown): void {
    const request = this.inflight.shift();
    if (request === undefined) {
      throw new ProtocolError(`${this.address} sent a reply nobody asked for`);
    }
    const next = this.inflight.peek();
    this.decoder.returnBuffers = next === undefined ? false : next.returnBuffers;
    if (!request.done) request.onReply(value, this.address);
    this.checkDrained();
  }

  private onPush(push: unknown[]): void {
    const kind = typeof push[0] === 'string' ? push[0] : String(push[0]);
    const head = this.inflight.peek();
    if (SUBSCRIPTION_KINDS.has(kind) && head !== undefined && head.awaitedPushes > 0) {
      // In RESP3 a (un)subscribe is answered by one push per channel instead of a reply.
      head.awaitedPushes--;
      if (head.awaitedPushes === 0) this.onReply(push);
      return;
    }
    this.config.onPush?.(push);
  }

  /**
   * While closing: a request whose deadline passed is settled, but keeps its reply slot until the reply comes,
   * which a stalled server may never send. Once every pending request is settled, stop waiting for replies.
   */
  private resolveOnceSettled(): void {
    this.settleTimer = null;
    if (this.state !== 'closing') return;
    const inflight = this.inflight.drain();
    for (const request of inflight) this.inflight.push(request);
    let latest = 0;
    for (const request of [...inflight, ...this.outbox]) {
      if (request.done) continue;
      if (request.deadlineList === null) return; // no deadline: only its reply settles it
      latest = Math.max(latest, request.deadlineAt);
    }
    if (latest === 0) {
      this.resolveDrainWaiters();
      return;
    }
    this.settleTimer = setTimeout(() => this.resolveOnceSettled(), Math.max(0, latest - deadlineNow()) + 1);
  }

  private resolveDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private checkDrained(): void {
    if (this.state === 'closing' && this.pendingCount === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private fail(error: Error, destroySocket = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = error;
    this.watchdog?.stop();
    if (destroySocket || !this.socket.destroyed) this.socket.destroy();
    for (let request = this.inflight.shift(); request !== undefined; request = this.inflight.shift()) {
      request.onFailure(error, this.address);
    }
    const unwritten = this.outbox;
    this.outbox = [];
    for (const request of unwritten) request.onFailure(error, this.address);
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
    this.notifyClosed(error);
  }

  private notifyClosed(error: Error | undefined): void {
    const listeners = this.closeListeners.splice(0);
    for (const listener of listeners) listener(error);
  }

  private stuckError(silentMs: number): ConnectionError {
    return new ConnectionError(
      `connection to ${this.address} is stuck: nothing was read for ${silentMs} ms while a reply was overdue (a half-open socket, or a server or network path that stopped answering); dropped for a new one`,
      this.address,
    );
  }

  private closedError(): Error {
    return this.state === 'closing'
      ? new ClosedError(`connection to ${this.address} is closing; no new commands are accepted`)
      : (this.closeError ?? new ClosedError(`connection to ${this.address} is closed`));
  }
}
