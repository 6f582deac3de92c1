import type { Command } from '../command.js';
import type { ResolvedConnectionConfig } from '../config.js';
import type { NodeConnectionSettings } from '../connection/connection-options.js';
import { DedicatedConnections } from '../connection/dedicated-connections.js';
import { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import type { Request } from '../connection/request.js';
import type { ServerInfo } from '../connection/server-info.js';
import { ConnectionError } from '../errors.js';
import { backoffDelay } from '../util/backoff.js';
import { flattenString } from '../util/flatten-string.js';
import { WaitingQueue } from '../util/waiting-queue.js';

/** Least time between two attempts started because another node reports this one up (`dialNow`). */
const DIAL_NOW_MIN_MS = 100;

/** What a node handle tells the cluster connection about. */
export interface NodeEvents {
  /** `reconnect`: a connection to this node was open before and was lost. */
  onUp(handle: NodeHandle, reconnect: boolean): void;
  onDown(handle: NodeHandle, error: Error | undefined): void;
  /** A connection attempt starts (the first connection, or a reconnect). */
  onDial(handle: NodeHandle): void;
  /** A connection attempt failed: requests waiting here may be served elsewhere (a replica read by the primary). */
  onUnreachable(handle: NodeHandle): void;
  onPush(handle: NodeHandle, push: unknown[]): void;
}

/**
 * The cluster's link to one node: one multiplexed connection, re-established in the background with capped, jittered
 * backoff for as long as the node is part of the cluster (also when it stays open but stops delivering replies: see
 * `ReplyWatchdog`), plus dedicated connections for blocking commands and WATCH. Requests sent while it is down wait
 * here, without a timer or a retry of their own, until the one reconnect schedule of the node succeeds (their
 * deadlines still run); the router takes them back when the slot map sends them elsewhere.
 */
export class NodeHandle {
  private connection: MultiplexedConnection | null = null;
  private connecting: Promise<MultiplexedConnection> | null = null;
  private readonly waiting = new WaitingQueue<Request>();
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** When the last connection attempt started, to bound attempts made at once (`dialNow`). */
  private lastDialAt = 0;
  private closed = false;
  /** Aborted on close: a connection being made ends with it instead of at its connect timeout. */
  private readonly closing = new AbortController();
  /** A connection was open once: the next one is a reconnect. */
  private everUp = false;
  lastError: Error | undefined;
  /** Commands sent through this handle, for stats. */
  commandCount = 0;
  readonly dedicated: DedicatedConnections;

  constructor(
    readonly address: string,
    private readonly settings: NodeConnectionSettings,
    private readonly config: ResolvedConnectionConfig,
    private readonly events: NodeEvents,
  ) {
    // Blocking commands and WATCH read nothing the cache keeps: no tracking there.
    this.dedicated = new DedicatedConnections({ ...settings, tracking: false }, config.commandTimeoutMs);
  }

  /** True while a connection is open. */
  get isUp(): boolean {
    return this.connection?.isOpen === true;
  }

  /** What the node said it is when the current connection was made. */
  get server(): ServerInfo | undefined {
    return this.connection?.server;
  }

  get pendingCount(): number {
    return (this.connection?.pendingCount ?? 0) + this.waiting.length;
  }

  send(request: Request): void {
    this.commandCount++;
    const connection = this.connection;
    if (connection?.isOpen) {
      connection.send(request);
      return;
    }
    // Admitted by the cluster connection already (maxPending): the queue drops the ones that timed out.
    this.waiting.push(request);
    // It may wait long: keep its payload as one flat string rather than the tree of pieces it was built from.
    if (typeof request.payload === 'string') flattenString(request.payload);
    // One reconnect schedule per node: a request starts an attempt only when none is running or planned.
    if (this.connecting === null && this.retryTimer === null && !this.closed) void this.ensureConnecting();
  }

  /** Requests waiting for a connection; settled ones are skipped. The handle keeps none of them. */
  takeWaiting(): Request[] {
    return this.waiting.takeAll();
  }

  /**
   * Another node reports this one up: dial it now instead of waiting out the backoff, at most once per
   * `DIAL_NOW_MIN_MS`, so that a node reported up again and again is not dialled in a storm. A node never dialled
   * stays so: connections are opened when a command needs them (a replica no read goes to has none).
   */
  dialNow(): void {
    if (this.closed || this.lastDialAt === 0 || this.connection?.isOpen || this.connecting !== null) return;
    if (Date.now() - this.lastDialAt < DIAL_NOW_MIN_MS) return;
    void this.ensureConnecting();
  }

  /** Runs a command on this node's shared connection (used for fan-out and topology queries). */
  async exec<T>(command: Command<T>, timeoutMs = this.config.commandTimeoutMs): Promise<T> {
    const connection = await this.connect();
    return connection.execHere(command, timeoutMs);
  }

  /** Connects now if not connected; resolves with the open connection. */
  connect(): Promise<MultiplexedConnection> {
    if (this.connection?.isOpen) return Promise.resolve(this.connection);
    return this.ensureConnecting();
  }

  /** Runs a transaction on this node's shared connection; after ASKING when `asking`. */
  async runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
    asking: boolean,
    onQueuedError: (error: unknown) => void,
  ): Promise<unknown[] | null> {
    const connection = await this.connect();
    return connection.runTransaction(commands, returnBuffers, asking, onQueuedError);
  }

  /** Drops the current connection (e.g. a stale one that keeps redirecting) and reconnects. */
  reset(): void {
    this.connection?.destroy(new ConnectionError(`connection to ${this.address} was replaced`, this.address));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failWaiting(new ConnectionError(`connection to ${this.address} was closed`, this.address));
    await Promise.all([this.dedicated.close(), this.connection?.close()]);
  }

  destroy(error: Error): void {
    this.closed = true;
    this.closing.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failWaiting(error);
    this.dedicated.destroy();
    this.connection?.destroy(error);
  }

  private ensureConnecting(): Promise<MultiplexedConnection> {
    if (this.connecting) return this.connecting;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.lastDialAt = Date.now();
    this.events.onDial(this);
    const attempt = MultiplexedConnection.connect(
      this.settings,
      {
        commandTimeoutMs: this.config.commandTimeoutMs,
        returnBuffers: this.config.returnBuffers,
        onPush: (push) => this.events.onPush(this, push),
        runBlocking: (command, blockMs) => this.dedicated.runBlocking(command, blockMs),
        dropWhenStuck: true,
      },
      this.closing.signal,
    );
    this.connecting = attempt;
    attempt.then(
      (connection) => {
        this.connecting = null;
        if (this.closed) {
          connection.destroy();
          return;
        }
        this.adopt(connection);
      },
      (error: Error) => {
        this.connecting = null;
        this.lastError = error;
        if (this.closed) return;
        // Waiting requests stay until the next attempt (planned first, so that none starts one of its own); the
        // router moves those that another node can serve.
        this.scheduleReconnect();
        if (this.waiting.length > 0) this.events.onUnreachable(this);
      },
    );
    return attempt;
  }

  private adopt(connection: MultiplexedConnection): void {
    this.connection = connection;
    this.attempt = 0;
    this.lastError = undefined;
    for (const request of this.waiting.takeAll()) connection.send(request);
    connection.onClose((error) => {
      if (this.connection !== connection) return;
      this.connection = null;
      this.lastError = error;
      if (!this.closed) {
        this.events.onDown(this, error);
        this.scheduleReconnect();
      }
    });
    this.events.onUp(this, this.everUp);
    this.everUp = true;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer || this.connecting) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (!this.closed && !this.connection?.isOpen) this.ensureConnecting().catch(() => {});
      },
      backoffDelay(this.attempt++, this.config.backoff),
    );
    this.retryTimer.unref();
  }

  private failWaiting(error: Error): void {
    for (const request of this.waiting.takeAll()) request.onFailure(error, this.address);
  }
}
