import type { Command } from '../command.js';
import type { ResolvedConnectionConfig } from '../config.js';
import type { NodeConnectionSettings } from '../connection/connection-options.js';
import { DedicatedConnections } from '../connection/dedicated-connections.js';
import { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import type { Request } from '../connection/request.js';
import { ConnectionError } from '../errors.js';
import { backoffDelay } from '../util/backoff.js';

/** What a node handle tells the cluster connection about. */
export interface NodeEvents {
  /** `reconnect`: a connection to this node was open before and was lost. */
  onUp(handle: NodeHandle, reconnect: boolean): void;
  onDown(handle: NodeHandle, error: Error | undefined): void;
  onPush(handle: NodeHandle, push: unknown[]): void;
}

/**
 * The cluster's link to one node: one multiplexed connection, re-established in the background with capped, jittered
 * backoff for as long as the node is part of the cluster (also when it stays open but stops delivering replies: see
 * `ReplyWatchdog`), plus dedicated connections for blocking commands and WATCH. Requests sent while it is connecting
 * wait here; if connecting fails they fail as "not written", which lets the cluster connection retry them elsewhere.
 */
export class NodeHandle {
  private connection: MultiplexedConnection | null = null;
  private connecting: Promise<MultiplexedConnection> | null = null;
  private waiting: Request[] = [];
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
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
    // Requests were admitted by the cluster connection; drop the ones that settled while waiting as they pile up.
    if (this.waiting.length >= this.config.maxPending)
      this.waiting = this.waiting.filter((waiting) => !waiting.done);
    this.waiting.push(request);
    this.ensureConnecting();
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

  /** Runs a transaction on this node's shared connection. */
  async runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
  ): Promise<unknown[] | null> {
    const connection = await this.connect();
    return connection.runTransaction(commands, returnBuffers);
  }

  /** Drops the current connection (e.g. a stale one that keeps redirecting) and reconnects. */
  reset(): void {
    this.connection?.destroy(new ConnectionError(`connection to ${this.address} was replaced`, this.address));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failWaiting(new ConnectionError(`connection to ${this.address} was closed`, this.address));
    await Promise.all([this.dedicated.close(), this.connection?.close()]);
  }

  destroy(error: Error): void {
    this.closed = true;
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
    const attempt = MultiplexedConnection.connect(this.settings, {
      commandTimeoutMs: this.config.commandTimeoutMs,
      returnBuffers: this.config.returnBuffers,
      onPush: (push) => this.events.onPush(this, push),
      runBlocking: (command, blockMs) => this.dedicated.runBlocking(command, blockMs),
      dropWhenStuck: true,
    });
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
        // Waiting requests were never written: they fail as such and the cluster reroutes or retries them.
        this.failWaiting(
          error instanceof ConnectionError
            ? error
            : new ConnectionError(error.message, this.address, { cause: error }),
        );
        this.scheduleReconnect();
      },
    );
    return attempt;
  }

  private adopt(connection: MultiplexedConnection): void {
    this.connection = connection;
    this.attempt = 0;
    this.lastError = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const request of waiting) if (!request.done) connection.send(request);
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
    const waiting = this.waiting;
    this.waiting = [];
    for (const request of waiting) request.onFailure(error, this.address);
  }
}
