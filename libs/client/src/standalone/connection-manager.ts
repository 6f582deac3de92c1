import { EventEmitter } from 'node:events';
import { resolveCacheOptions } from '../cache/cache-options.js';
import {
  ClientCache,
  type ConnectionCache,
  type FetchOrigin,
  type FetchReceiver,
} from '../cache/client-cache.js';
import { afterInvalidations } from '../cache/own-write-fence.js';
import { UncachedView } from '../cache/uncached-view.js';
import type { Command } from '../command.js';
import { blockingTimeoutMs, sharedConnectionDeadline } from '../commands/blocking.js';
import { safeToResend } from '../commands/command-info.js';
import { RedisCommands } from '../commands/redis-commands.js';
import { type ConnectionConfig, type ResolvedConnectionConfig, resolveConnectionConfig } from '../config.js';
import { addressOf, type NodeConnectionSettings } from '../connection/connection-options.js';
import { DedicatedConnections } from '../connection/dedicated-connections.js';
import { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import type { ServerInfo } from '../connection/server-info.js';
import type { RequestSettler } from '../connection/settling-request.js';
import {
  type ConnectEvent,
  type ConnectionCreatedEvent,
  connectChannel,
  connectionChannel,
  type DisconnectEvent,
  disconnectChannel,
} from '../diagnostics-events.js';
import { ConfigError, ConnectionError, OutcomeUnknownError } from '../errors.js';
import {
  type PubSubListener,
  SUBSCRIBE_COMMAND,
  type SubscriptionKind,
  Subscriptions,
  UNSUBSCRIBE_COMMAND,
} from '../pubsub/subscriptions.js';
import { type EncodedCommand, encodeCommand } from '../resp/encode-command.js';
import {
  type CommandTraceContext,
  commandTrace,
  commandTracing,
  traceCommand,
  traceNode,
} from '../tracing.js';
import { Multi } from '../transaction/multi.js';
import { Admission } from '../util/admission.js';
import { backoffDelay } from '../util/backoff.js';
import { WaitingQueue } from '../util/waiting-queue.js';
import type { Client } from './client.js';
import { closedError, ManagedRequest, type RequestOwner } from './managed-request.js';

/** Events a `ConnectionManager` emits. */
export interface ConnectionManagerEvents {
  /** Something failed in the background, with no command to report it to (a `credentials` renewal). */
  error: [error: Error];
}

/**
 * One reused connection to a standalone server that heals itself. When the socket drops, or stays open but stops
 * delivering replies (see `ReplyWatchdog`), it reconnects in the background with capped, jittered exponential backoff
 * for as long as it is open; commands issued meanwhile wait up to their deadline. Commands that cannot have run, and
 * read-only ones, are re-sent once it is back; writes whose outcome is unknown fail saying so. Subscriptions are
 * restored after a reconnect.
 */
export class ConnectionManager extends RedisCommands<string> {
  readonly address: string;
  readonly retryWrites: boolean;
  private connection: MultiplexedConnection | null = null;
  private readonly waiting = new WaitingQueue<ManagedRequest<unknown>>();
  private reconnecting = false;
  private attempt = 0;
  private lastError: Error | undefined;
  /** A connection was open once: the next one is a reconnect. */
  private everUp = false;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly subscriptions = new Subscriptions();
  private readonly dedicated: DedicatedConnections;
  private readonly wakeups = new Set<NodeJS.Timeout>();
  /** Requests waiting out a backoff delay before they are sent again (a LOADING reply): closing fails them. */
  private readonly retryTimers = new Map<NodeJS.Timeout, ManagedRequest<unknown>>();
  /** Aborted on close: a reconnect attempt under way ends with it instead of at its connect timeout. */
  private readonly closing = new AbortController();
  private readonly config: ResolvedConnectionConfig;
  private readonly settings: NodeConnectionSettings;
  /** @internal The one admission point for `maxPending`: managed requests not settled yet, wherever they wait. */
  readonly admission: Admission;
  private readonly clientCache: ClientCache | undefined;
  #uncached: RedisCommands<string> | undefined;
  private readonly events = new EventEmitter();

  /** What the server said it is when the current connection was made (see `MultiplexedConnection#server`). */
  get server(): ServerInfo | undefined {
    return this.connection?.server;
  }

  /** Connects, failing within the connect timeout with the reason; afterwards it reconnects by itself. */
  static async create(client: Client, config?: ConnectionConfig): Promise<ConnectionManager> {
    const manager = new ConnectionManager(client, config);
    await manager.connectFirst();
    if (connectionChannel.hasSubscribers)
      connectionChannel.publish({ connection: manager } satisfies ConnectionCreatedEvent);
    return manager;
  }

  private constructor(client: Client, config?: ConnectionConfig) {
    super();
    this.config = resolveConnectionConfig(config);
    this.settings = client.settingsFor(this.config);
    this.address = addressOf(this.settings);
    this.retryWrites = this.config.retryWrites;
    // Informational: with no listener, a background failure is dropped rather than thrown.
    this.events.on('error', () => {});
    if (this.settings.credentials) {
      this.settings.credentials.onError = (error) => this.events.emit('error', error);
    }
    // Tracking (with a cache) on the shared connection only: blocking commands and WATCH feed no entries.
    this.dedicated = new DedicatedConnections(
      { ...this.settings, tracking: false },
      this.config.commandTimeoutMs,
    );
    this.admission = new Admission(this.config.maxPending, `for ${this.address}`);
    if (config?.cache !== undefined) {
      const options = resolveCacheOptions(config.cache, this.settings.protocol);
      this.settings.tracking = true;
      // Every reply comes from this server: one origin for every miss.
      const origin: FetchOrigin = { lastAddress: this.address };
      this.clientCache = new ClientCache(options, {
        returnBuffers: this.config.returnBuffers,
        slotOf: () => 0,
        fetch: (command, _slot, receiver) => this.fetchForCache(command, receiver, origin),
      });
    }
  }

  /** True until `close()` or `destroy()`. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether the connection to the server is open now (false while it reconnects). */
  get connected(): boolean {
    return this.connection?.isOpen === true;
  }

  /**
   * Commands sent to the server and not answered yet, those waiting for a reconnect or a retry included (the
   * count `maxPending` bounds); blocking commands, which run on dedicated connections, are not among them.
   */
  get pending(): number {
    return this.admission.pending;
  }

  /** The client-side cache (`getConnectionManager({ cache: {...} })`); undefined when caching is off. */
  get cache(): ConnectionCache | undefined {
    return this.clientCache;
  }

  /** The same connection with the cache bypassed: every read goes to the server (`conn.uncached.buffers` too). */
  get uncached(): RedisCommands<string> {
    if (this.#uncached === undefined) this.#uncached = new UncachedView(this);
    return this.#uncached;
  }

  sendCommand<T>(command: Command<T>): Promise<T> {
    if (this.clientCache !== undefined && this.state === 'open') {
      const cached = this.clientCache.read(command);
      if (cached !== undefined) return cached;
    }
    return this.sendUncached(command);
  }

  /** @internal The command path without the cache. */
  sendUncached<T>(command: Command<T>): Promise<T> {
    if (commandTracing.hasSubscribers) {
      const context = commandTrace(
        command.name,
        command.args,
        this.settings.db,
        this.config.traceCommandText,
      );
      return traceCommand(this.onThisNode(context), () => this.dispatchCommand(command));
    }
    return this.dispatchCommand(command);
  }

  private dispatchCommand<T>(command: Command<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(closedError(this.address));
    const blockMs = blockingTimeoutMs(command.name, command.args);
    let timeoutMs = this.config.commandTimeoutMs;
    if (blockMs !== undefined) {
      const shared = sharedConnectionDeadline(command.name, blockMs, timeoutMs);
      if (shared === undefined) {
        const reply = this.dedicated.runBlocking(command, blockMs);
        return this.clientCache === undefined ? reply : afterInvalidations(reply, () => this.pingShared());
      }
      if (shared instanceof Error) return Promise.reject(shared);
      timeoutMs = shared;
    }
    const request = this.startRequest(command, timeoutMs, command.transform, undefined);
    return request instanceof ManagedRequest ? request.promise : Promise.reject(request);
  }

  /** Encodes, admits and dispatches one request; or the error that kept it from being sent. */
  private startRequest<T>(
    command: Command<T>,
    timeoutMs: number,
    transform: ((reply: unknown) => T) | undefined,
    settler: RequestSettler<T> | undefined,
  ): ManagedRequest<T> | Error {
    let payload: EncodedCommand;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      return error as Error;
    }
    const full = this.admission.refusal(command.name);
    if (full !== undefined) return full;
    const request = new ManagedRequest<T>(
      command.name,
      payload,
      command.returnBuffers ?? this.config.returnBuffers,
      transform,
      safeToResend(command.name, command.args),
      // Its owner by shape: `RequestOwner` is internal, so the class does not declare `implements` it publicly.
      this satisfies RequestOwner,
      timeoutMs,
      settler,
    );
    this.dispatch(request as ManagedRequest<unknown>);
    return request;
  }

  /**
   * A cache miss: the caller's command, sent as any command, settling `receiver` with the reply before the
   * command's transform; the only node is this server.
   */
  private fetchForCache(command: Command<unknown>, receiver: FetchReceiver, origin: FetchOrigin): void {
    receiver.origin = origin;
    if (commandTracing.hasSubscribers) {
      // Traced like any command when someone listens: a miss goes to the server.
      this.sendUncached({ ...command, transform: undefined }).then(
        (reply) => receiver.resolve(reply),
        (error: Error) => receiver.reject(error),
      );
      return;
    }
    if (this.state !== 'open') {
      receiver.reject(closedError(this.address));
      return;
    }
    const request = this.startRequest(command, this.config.commandTimeoutMs, undefined, receiver);
    if (!(request instanceof ManagedRequest)) receiver.reject(request);
  }

  /** Starts a MULTI/EXEC transaction, written as one uninterrupted unit on the shared connection. */
  multi(): Multi {
    return new Multi((commands, returnBuffers) => {
      if (!commandTracing.hasSubscribers) return this.runTransaction(commands, returnBuffers);
      const context = { command: 'MULTI', database: this.settings.db, batchSize: commands.length };
      return traceCommand(this.onThisNode(context), () => this.runTransaction(commands, returnBuffers));
    });
  }

  private onThisNode(context: CommandTraceContext): CommandTraceContext {
    traceNode(context, this.address);
    return context;
  }

  /** A round trip on the shared (tracking) connection, when it is open. */
  private pingShared(): Promise<unknown> | undefined {
    const connection = this.connection;
    if (connection?.isOpen !== true) return undefined;
    return connection.execHere({ name: 'PING', args: [] }, this.config.commandTimeoutMs);
  }

  /** Runs `work` on a dedicated connection after WATCHing `keys`; see `MultiplexedConnection#watch`. */
  watch<T>(
    keys: readonly (string | Buffer)[],
    work: (connection: MultiplexedConnection) => Promise<T>,
  ): Promise<T> {
    return this.dedicated.withConnection((connection) => connection.watch(keys, work));
  }

  /** Subscribes a listener to channels; the subscription survives reconnects. Needs RESP3. */
  subscribe(channels: string | readonly string[], listener: PubSubListener): Promise<void> {
    return this.changeSubscription('channel', toList(channels), listener, true);
  }
  unsubscribe(channels?: string | readonly string[], listener?: PubSubListener): Promise<void> {
    return this.changeSubscription(
      'channel',
      channels === undefined ? undefined : toList(channels),
      listener,
      false,
    );
  }
  psubscribe(patterns: string | readonly string[], listener: PubSubListener): Promise<void> {
    return this.changeSubscription('pattern', toList(patterns), listener, true);
  }
  punsubscribe(patterns?: string | readonly string[], listener?: PubSubListener): Promise<void> {
    return this.changeSubscription(
      'pattern',
      patterns === undefined ? undefined : toList(patterns),
      listener,
      false,
    );
  }

  on<E extends keyof ConnectionManagerEvents>(
    event: E,
    listener: (...args: ConnectionManagerEvents[E]) => void,
  ): this {
    this.events.on(event, listener);
    return this;
  }
  off<E extends keyof ConnectionManagerEvents>(
    event: E,
    listener: (...args: ConnectionManagerEvents[E]) => void,
  ): this {
    this.events.off(event, listener);
    return this;
  }

  /** Stops accepting commands, lets in-flight ones finish, then closes every connection. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closing.abort();
    this.failWaiting();
    await Promise.all([this.connection?.close(), this.dedicated.close()]);
    this.shutdown();
  }

  /** Closes everything now; pending commands fail. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.closing.abort();
    this.failWaiting();
    this.connection?.destroy(closedError(this.address));
    this.shutdown();
  }

  /** @internal Used by requests: send again once connected, after a backoff delay when given its attempt. */
  resend(request: ManagedRequest<unknown>, backoffAttempt: number | undefined): void {
    if (this.state !== 'open') {
      request.fail(closedError(this.address));
      return;
    }
    if (backoffAttempt === undefined) {
      this.dispatch(request);
      return;
    }
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        if (!request.done) this.dispatch(request);
      },
      backoffDelay(backoffAttempt, this.config.backoff),
    );
    this.retryTimers.set(timer, request);
  }

  /** @internal */
  describeState(): string {
    if (this.connection?.isOpen) return '';
    return this.lastError ? `reconnecting; last error: ${this.lastError.message}` : 'reconnecting';
  }

  private dispatch(request: ManagedRequest<unknown>): void {
    const connection = this.connection;
    if (connection?.isOpen) {
      connection.send(request);
      return;
    }
    // Admitted already (maxPending); the queue drops the ones that timed out while waiting as new ones arrive.
    this.waiting.push(request);
    this.startReconnecting();
  }

  private async connectFirst(): Promise<void> {
    const connection = await MultiplexedConnection.connect(this.settings, this.behaviour());
    this.adopt(connection);
  }

  private behaviour() {
    return {
      commandTimeoutMs: this.config.commandTimeoutMs,
      returnBuffers: this.config.returnBuffers,
      onPush: (push: unknown[]) => {
        this.clientCache?.onPush(push, this.address);
        if (!this.subscriptions.dispatch(push, this.address)) this.config.onPush?.(push);
      },
      runBlocking: <T>(command: Command<T>, blockMs: number) => this.dedicated.runBlocking(command, blockMs),
      dropWhenStuck: true,
    };
  }

  private adopt(connection: MultiplexedConnection): void {
    if (connectChannel.hasSubscribers) {
      connectChannel.publish({ address: this.address, reconnect: this.everUp } satisfies ConnectEvent);
    }
    this.everUp = true;
    this.connection = connection;
    const adoptedAt = Date.now();
    connection.onClose((error) => {
      if (this.connection !== connection) return;
      if (this.state === 'open' && disconnectChannel.hasSubscribers)
        disconnectChannel.publish({ address: this.address, error } satisfies DisconnectEvent);
      // Its tracking went with it: nothing read through it can be vouched for any more.
      this.clientCache?.onNodeLost(this.address);
      this.connection = null;
      this.lastError = error;
      // Only a connection that stayed up a while makes the next attempt immediate: one lost right after its
      // handshake (a server that hangs up on every command) keeps the backoff growing, or reconnecting would spin.
      if (Date.now() - adoptedAt >= this.config.backoff.maxMs) this.attempt = 0;
      if (this.state === 'open') this.startReconnecting();
    });
  }

  private startReconnecting(): void {
    if (this.reconnecting || this.state !== 'open') return;
    this.reconnecting = true;
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    while (this.state === 'open') {
      if (this.attempt > 0) {
        await this.pause(backoffDelay(this.attempt - 1, this.config.backoff));
        if (this.state !== 'open') break;
      }
      this.attempt++;
      try {
        const connection = await MultiplexedConnection.connect(
          this.settings,
          this.behaviour(),
          this.closing.signal,
        );
        if (this.state !== 'open') {
          connection.destroy();
          break;
        }
        this.adopt(connection);
        this.restoreSubscriptions(connection);
        this.reconnecting = false;
        // A snapshot: a request the connection refuses comes back to `waiting` and must wait for the next one,
        // not be taken again by this loop.
        for (const request of this.waiting.takeAll()) connection.send(request);
        return;
      } catch (error) {
        this.lastError = error as Error;
      }
    }
    this.reconnecting = false;
  }

  private restoreSubscriptions(connection: MultiplexedConnection): void {
    if (connection.protocol !== 3) return; // RESP2 (a server without HELLO): subscribing would stall it
    for (const kind of ['channel', 'pattern'] as const) {
      const names = this.subscriptions.names(kind);
      if (names.length > 0) void connection.subscribeCommand(SUBSCRIBE_COMMAND[kind], names).catch(() => {});
    }
  }

  private async changeSubscription(
    kind: SubscriptionKind,
    names: string[] | undefined,
    listener: PubSubListener | undefined,
    subscribe: boolean,
  ): Promise<void> {
    if (this.state !== 'open') throw closedError(this.address);
    // Refuse before registering: a listener registered here would be restored with SUBSCRIBE over RESP2 after a
    // reconnect, which would put the shared connection in RESP2 subscriber mode and break every other command.
    const protocol = this.connection?.isOpen ? this.connection.protocol : this.settings.protocol;
    if (subscribe && protocol !== 3) throw resp3Needed();
    const changed = subscribe
      ? this.subscriptions.add(kind, names ?? [], listener!)
      : this.subscriptions.remove(kind, names, listener);
    if (changed.length === 0) return;
    const connection = this.connection;
    if (!connection?.isOpen) return; // restored on reconnect
    if (connection.protocol !== 3) throw resp3Needed();
    try {
      await connection.subscribeCommand(
        subscribe ? SUBSCRIBE_COMMAND[kind] : UNSUBSCRIBE_COMMAND[kind],
        changed,
      );
    } catch (error) {
      // Lost before the confirmation: the reconnect subscribes to exactly what is registered now, so the change
      // takes effect anyway; failing here would leave a listener registered behind a rejected promise.
      const lost = error instanceof ConnectionError || error instanceof OutcomeUnknownError;
      if (!lost || this.state !== 'open') throw error;
    }
  }

  private async runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
  ): Promise<unknown[] | null> {
    if (this.state !== 'open') throw closedError(this.address);
    // While reconnecting, wait for the connection like any command does (within the command deadline).
    if (!this.connection?.isOpen) await this.sendCommand({ name: 'PING', args: [] });
    const connection = this.connection;
    if (!connection?.isOpen) {
      throw new ConnectionError(
        `MULTI was not sent: the connection to ${this.address} was lost`,
        this.address,
      );
    }
    return connection.runTransaction(commands, returnBuffers);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeups.delete(timer);
        resolve();
      }, ms);
      this.wakeups.add(timer);
    });
  }

  private failWaiting(): void {
    for (const request of this.waiting.takeAll()) {
      request.fail(closedError(this.address));
    }
    for (const [timer, request] of this.retryTimers) {
      clearTimeout(timer);
      request.fail(closedError(this.address));
    }
    this.retryTimers.clear();
  }

  private shutdown(): void {
    this.state = 'closed';
    for (const timer of this.wakeups) clearTimeout(timer);
    this.wakeups.clear();
    this.dedicated.destroy();
    this.connection = null;
  }
}

function resp3Needed(): ConfigError {
  return new ConfigError(
    'pub/sub on the shared connection needs RESP3: connect with protocol 3 (the default)',
  );
}

function toList(names: string | readonly string[]): string[] {
  return typeof names === 'string' ? [names] : [...names];
}
