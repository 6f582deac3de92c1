import type { Socket } from 'node:net';
import type { Command } from '../command.js';
import { blockingTimeoutMs } from '../commands/blocking.js';
import { RedisCommands } from '../commands/redis-commands.js';
import { type StuckEvent, stuckChannel } from '../diagnostics-events.js';
import type { QueueFullError } from '../errors.js';
import { RespDecoder } from '../resp/decoder.js';
import { type EncodedCommand, encodeCommand } from '../resp/encode-command.js';
import { Multi } from '../transaction/multi.js';
import { queueFullError } from '../util/admission.js';
import { Fifo } from '../util/fifo.js';
import { sendBlocking } from './blocking-route.js';
import type { ConnectionBehaviour } from './connection-behaviour.js';
import {
  badReplyError,
  closedError,
  closedInHandshakeError,
  destroyedError,
  socketClosedError,
  socketError,
  stuckError,
  unaskedReplyError,
} from './connection-errors.js';
import { addressOf, type NodeConnectionSettings } from './connection-options.js';
import { watchKeys, writeTransaction } from './connection-transactions.js';
import { DrainWaiters } from './drain-waiters.js';
import { handshake } from './handshake.js';
import { openSocket } from './open-socket.js';
import { PromiseRequest } from './promise-request.js';
import { ReplyWatchdog } from './reply-watchdog.js';
import type { Request } from './request.js';
import type { ServerInfo } from './server-info.js';
import { SocketReads } from './socket-reads.js';
import { answeredSubscription, subscriptionRequest } from './subscription-replies.js';
import { writePayloads } from './write-payloads.js';

/** Commands queued in one tick beyond which they are written without waiting for the end of the tick. */
const EARLY_FLUSH_COMMANDS = 64;

/**
 * One socket to one server, shared by any number of concurrent callers. Commands issued in the same tick go out in
 * one write; replies are matched strictly in order; a command whose deadline passes keeps its reply slot so later
 * replies stay matched. It does not reconnect: when the socket is lost every pending command fails, saying whether it
 * had been written, and `onClose` listeners run. Reconnecting is the job of `ConnectionManager` and the cluster, which
 * also have it drop itself once it stops delivering replies (`dropWhenStuck`).
 *
 * This file is the core: the socket, the writes (bytes in `write-payloads.ts`), reply matching, failure. Beside it:
 * `connection-transactions.ts` (WATCH, MULTI/EXEC), `drain-waiters.ts` (close() waiting for pending commands),
 * `subscription-replies.ts`, `blocking-route.ts`, `connection-errors.ts`, `connection-behaviour.ts`.
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
  private readonly drainWaiters = new DrainWaiters(
    () => this.state === 'closing',
    this.inflight,
    () => this.outbox,
  );
  private readonly watchdog: ReplyWatchdog | null;

  /**
   * @internal Opens the socket and runs the handshake; fails within the connect timeout. Applications get a
   * connection from `Client.getConnection()`.
   */
  static async connect(
    settings: NodeConnectionSettings,
    config: ConnectionBehaviour,
    /** Aborted by an owner closed meanwhile: the attempt ends at once, its socket with it. */
    signal?: AbortSignal,
  ): Promise<MultiplexedConnection> {
    const reads = new SocketReads();
    const socket = await openSocket(settings, reads, signal);
    const connection = new MultiplexedConnection(socket, settings, config, reads);
    const abandon = () => connection.destroy();
    signal?.addEventListener('abort', abandon, { once: true });
    // Aborted between the socket's connect and here: no event will come.
    if (signal?.aborted) abandon();
    try {
      await handshake(connection, settings);
    } catch (error) {
      connection.destroy();
      throw error;
    } finally {
      signal?.removeEventListener('abort', abandon);
    }
    // The server may hang up during a step whose failure the handshake tolerates (CLIENT SETINFO): never hand out
    // a connection that is already closed.
    if (!connection.isOpen) throw connection.closeError ?? closedInHandshakeError(connection.address);
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
            this.destroy(stuckError(this.address, silentMs));
          },
        )
      : null;
    // Reads that came before the connection existed are copies of their own: decoded the same way.
    for (const chunk of reads.attach((target, nread) => this.onRead(target, nread))) {
      this.onRead(chunk, chunk.length);
    }
    socket.on('error', (error) => this.fail(socketError(this.address, error)));
    socket.on('close', () => this.fail(socketClosedError(this.address)));
  }

  /** Decodes what the socket read: `nread` bytes at the start of `target`, a buffer reused for later reads. */
  private onRead(target: Buffer, nread: number): void {
    this.watchdog?.resetSilence();
    try {
      this.decoder.feedRead(target, nread);
    } catch (error) {
      this.fail(badReplyError(this.address, error));
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
    return sendBlocking(this, this.config, command, blockMs);
  }

  /** Runs a command on this very connection, with the given deadline (0 or Infinity: none). */
  execHere<T>(command: Command<T>, timeoutMs: number): Promise<T> {
    return this.execOn(command, timeoutMs, true);
  }

  /**
   * @internal `execHere` for a step of the connection's own handshake: not an application's command, so not counted
   * against `maxPending` (the steps are sent together, however small it is).
   */
  execOwnStep<T>(command: Command<T>, timeoutMs: number): Promise<T> {
    return this.execOn(command, timeoutMs, false);
  }

  private execOn<T>(command: Command<T>, timeoutMs: number, admit: boolean): Promise<T> {
    let payload: EncodedCommand;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      return Promise.reject(error);
    }
    const full = admit ? this.refusal(command.name, 1) : undefined;
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
    const request = subscriptionRequest(name, names, this.address, this.config.commandTimeoutMs);
    this.send(request);
    return request.promise;
  }

  /**
   * Optimistic locking: WATCHes `keys`, runs `work` (which reads and then returns `connection.multi()...exec()`),
   * and UNWATCHes afterwards. Run it on a dedicated connection (the managers do), never on a shared one.
   */
  watch<T>(
    keys: readonly (string | Buffer)[],
    work: (connection: MultiplexedConnection) => Promise<T>,
  ): Promise<T> {
    return watchKeys(this, keys, work);
  }

  /** Starts a MULTI/EXEC transaction, written as one uninterrupted unit on this connection. */
  multi(): Multi {
    return new Multi((commands, returnBuffers) => this.runTransaction(commands, returnBuffers));
  }

  /**
   * @internal Writes MULTI, the commands and EXEC together, so nothing else can come between them; ASKING first when
   * `asking` (a cluster transaction following an ASK). `onQueuedError` hears the queued commands' error replies.
   */
  runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
    asking = false,
    onQueuedError?: (error: unknown) => void,
  ): Promise<unknown[] | null> {
    return writeTransaction(this, commands, returnBuffers, asking, onQueuedError);
  }

  /**
   * @internal The admission point of this connection's own callers (`execHere`, subscriptions, transactions): its
   * queue, written or not, holds at most `maxPending` commands.
   */
  refusal(name: string, count: number): QueueFullError | undefined {
    const limit = this.settings.maxPending;
    return this.pendingCount + count <= limit ? undefined : queueFullError(name, limit, `on ${this.address}`);
  }

  /**
   * @internal Queues a request for the next write. The request learns its fate through its own callbacks. For owners that
   * admitted the request already (the cluster, a connection manager): nothing is refused here but a closed connection.
   */
  send(request: Request): void {
    if (this.state !== 'open') {
      request.onFailure(closedError(this.address, this.state === 'closing', this.closeError), this.address);
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
    if (this.pendingCount > 0) await this.drainWaiters.wait();
    this.drainWaiters.stopTimer();
    if (this.closeError !== undefined) return; // lost meanwhile: fail() already cleaned up
    this.state = 'closed';
    this.watchdog?.stop();
    this.socket.end();
    this.notifyClosed(undefined);
  }

  /** Drops the socket now; pending commands fail (saying whether they had been written). */
  destroy(error?: Error): void {
    this.fail(error ?? destroyedError(this.address), true);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (!this.writable || this.state === 'closed') return;
    const batch = this.outbox;
    if (batch.length === 0) return;
    this.outbox = [];
    for (let i = 0; i < batch.length; i++) {
      const request = batch[i]!;
      if (request.done) continue; // timed out before it was written: it never reaches the server
      request.written = true;
      request.writtenTo = this.watchdog;
      if (this.inflight.length === 0) {
        this.decoder.returnBuffers = request.returnBuffers;
        this.watchdog?.resetSilence(); // nothing was owed until now: silence before this is no sign of trouble
      }
      this.inflight.push(request);
    }
    const accepted = writePayloads(this.socket, batch);
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
    if (request === undefined) throw unaskedReplyError(this.address);
    const next = this.inflight.peek();
    this.decoder.returnBuffers = next === undefined ? false : next.returnBuffers;
    if (!request.done) request.onReply(value, this.address);
    // close() waits for the last reply.
    if (this.state === 'closing' && this.pendingCount === 0) this.drainWaiters.release();
  }

  private onPush(push: unknown[]): void {
    const answered = answeredSubscription(push, this.inflight.peek());
    if (answered === undefined) this.config.onPush?.(push);
    else if (answered.awaitedPushes === 0) this.onReply(push);
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
    this.drainWaiters.release();
    this.notifyClosed(error);
  }

  private notifyClosed(error: Error | undefined): void {
    const listeners = this.closeListeners.splice(0);
    for (const listener of listeners) listener(error);
  }
}
