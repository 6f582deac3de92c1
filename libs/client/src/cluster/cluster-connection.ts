import type { ResolvedCacheOptions } from '../cache/cache-options.js';
import {
  type CacheSource,
  ClientCache,
  type ConnectionCache,
  type FetchReceiver,
} from '../cache/client-cache.js';
import { afterInvalidations } from '../cache/own-write-fence.js';
import { UncachedView } from '../cache/uncached-view.js';
import type { Command, RedisArg, RedisKey } from '../command.js';
import { blockingDeadlineMs } from '../commands/blocking.js';
import { safeToResend } from '../commands/command-info.js';
import { learnUnknownCommands } from '../commands/learned-commands.js';
import { RedisCommands } from '../commands/redis-commands.js';
import type { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import {
  ArgumentError,
  ClosedError,
  ClusterError,
  CrossSlotError,
  OutcomeUnknownError,
  QueueFullError,
  ReplyError,
  TimeoutError,
} from '../errors.js';
import type { PubSubListener } from '../pubsub/subscriptions.js';
import { type EncodedCommand, encodeCommand } from '../resp/encode-command.js';
import { type Attempt, classifyFailure, RetryAction, resends } from '../retry/retry-policy.js';
import {
  type CommandTraceContext,
  commandTrace,
  commandTracing,
  traceCommand,
  traceNode,
} from '../tracing.js';
import { Multi } from '../transaction/multi.js';
import { backoffDelay } from '../util/backoff.js';
import { withTimeout } from '../util/timeout.js';
import { ClusterBatch } from './cluster-batch.js';
import { type ClusterHealth, checkClusterHealth, type HealthOptions } from './cluster-health.js';
import { ClusterPubSub } from './cluster-pubsub.js';
import { ClusterRequest, type RequestSettler } from './cluster-request.js';
import { type CommandPlan, type FanOutPlan, planCommand } from './command-plan.js';
import { aggregate } from './fan-out-policy.js';
import { CROSS_SLOT, commandSlot, distinctSlots, NO_KEY, slotOfKey } from './key-slots.js';
import { pinnedRoute, type Route, slotRoute } from './route.js';
import type { ClusterRouter, ClusterStats } from './router.js';
import { type ScanIteratorOptions, scanCluster } from './scan-iterator.js';
import { mergeSplit, type SplitKind, splitBySlot } from './split-multi-key.js';
import { describeTopology, type TopologySnapshot } from './topology-snapshot.js';

/** Events a cluster connection emits. */
export interface ClusterEvents {
  topologyChange: [];
  nodeUp: [address: string];
  nodeDown: [address: string, error: Error | undefined];
  error: [error: Error];
}

/**
 * The one handle to a Redis Cluster that every caller in the process shares. It keeps one multiplexed connection
 * per node, routes each command by its key's hash slot, follows MOVED and ASK, refreshes the topology and reconnects
 * by itself. Get it from `ClusterClient#getConnection()`.
 */
export class ClusterConnection extends RedisCommands<string, Record<string, string>> {
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly pubsub: ClusterPubSub;
  private readonly clientCache: ClientCache | undefined;
  #uncached: RedisCommands<string, Record<string, string>> | undefined;

  /** @internal Use `ClusterClient#getConnection()`. */
  constructor(
    private readonly router: ClusterRouter,
    cache?: ResolvedCacheOptions,
  ) {
    super();
    this.pubsub = new ClusterPubSub(router);
    if (cache !== undefined) {
      const clientCache = new ClientCache(cache, new ClusterCacheSource(this, router.config.returnBuffers));
      this.clientCache = clientCache;
      router.ownership = clientCache;
      router.events.on('push', (push: unknown[], address: string) => clientCache.onPush(push, address));
    }
  }

  /**
   * The client-side cache (`getConnection({ cache: {...} })`): `clear()` and `stats()`; undefined when caching is
   * off.
   */
  get cache(): ConnectionCache | undefined {
    return this.clientCache;
  }

  /** The same connection with the cache bypassed: every read goes to the server (`conn.uncached.buffers` too). */
  get uncached(): RedisCommands<string, Record<string, string>> {
    if (this.#uncached === undefined) this.#uncached = new UncachedView(this);
    return this.#uncached;
  }

  /** @internal Waits for the first topology. */
  async connect(timeoutMs: number): Promise<void> {
    await this.router.connect(timeoutMs);
    // Module commands (JSON.GET...) route by their keys once COMMAND INFO has described them. Asked on one node's
    // own connection: not a command of the application (stats count none). A server that refuses COMMAND leaves
    // them to redirects: they still work, one hop later.
    const address = this.router.topology?.addresses()[0];
    if (address !== undefined) {
      await this.router
        .handleFor(address)
        .connect()
        .then(learnUnknownCommands)
        .catch(() => 0);
    }
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
      const context = this.traceOf(command);
      return traceCommand(context, () => this.dispatch(command, context));
    }
    return this.dispatch(command, undefined);
  }

  /**
   * @internal The one dispatch of a command, for its caller's promise: plans it once, then sends it as its plan
   * says. `trace` learns the node that finally answered.
   */
  dispatch<T>(command: Command<T>, trace: CommandTraceContext | undefined): Promise<T> {
    if (this.state !== 'open') return Promise.reject(closed());
    const plan = planCommand(command.name, command.args);
    if (plan.kind !== 'route') return this.runPlan(command, plan);
    const request = this.sendRoute(command, plan, undefined);
    if (!(request instanceof ClusterRequest)) return Promise.reject(request);
    const promise = request.promise!;
    if (trace !== undefined) {
      // The node that finally answered (after redirects), known once the command settles.
      const recordNode = (): void => traceNode(trace, request.lastAddress);
      promise.then(recordNode, recordNode);
    }
    return promise;
  }

  /**
   * @internal The same dispatch for a batch's command: settles `settler` (no promise per command). A command that is
   * more than one request is traced as a command of its own, as when sent alone; a one-request command is part of
   * the batch's trace.
   */
  dispatchTo<T>(command: Command<T>, settler: RequestSettler<T>): void {
    if (this.state !== 'open') {
      settleLater(settler, Promise.reject(closed()));
      return;
    }
    const plan = planCommand(command.name, command.args);
    if (plan.kind === 'route') {
      const request = this.sendRoute(command, plan, settler);
      if (!(request instanceof ClusterRequest)) settleLater(settler, Promise.reject(request));
      return;
    }
    const run = commandTracing.hasSubscribers
      ? traceCommand(this.traceOf(command), () => this.runPlan(command, plan))
      : this.runPlan(command, plan);
    settleLater(settler, run);
  }

  /** A command that is one request to one slot's node: encoded once, admitted once, routed; or why it was not. */
  private sendRoute<T>(
    command: Command<T>,
    route: Route,
    settler: RequestSettler<T> | undefined,
  ): ClusterRequest<T> | Error {
    let payload: EncodedCommand;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      return error as Error;
    }
    const timeoutMs = this.router.config.commandTimeoutMs;
    return this.startRequest(command, payload, route, settler, timeoutMs, command.transform);
  }

  /** A command's trace payload: built only when someone subscribes. A cluster has one database, 0. */
  private traceOf(command: Command<unknown>): CommandTraceContext {
    return commandTrace(command.name, command.args, 0, this.router.config.traceCommandText);
  }

  /** Everything that is not one request: fan-out, a dedicated connection, a split, or an error before sending. */
  private runPlan<T>(command: Command<T>, plan: Exclude<CommandPlan, Route>): Promise<T> {
    switch (plan.kind) {
      case 'fanOut':
        return this.fanOut(command, plan);
      case 'dedicated':
        return this.runBlocking(command, plan.slot, plan.blockMs);
      case 'split':
        return this.split(command, plan.split);
      case 'reject':
        return Promise.reject(plan.error);
    }
  }

  /** A pipeline: commands on any keys, one write per node, results in order with a failure per command. */
  batch(): ClusterBatch {
    return new ClusterBatch(this);
  }

  /**
   * A MULTI/EXEC transaction. Its commands must all live in one hash slot (use a hash tag such as `{user1}`);
   * otherwise `exec()` fails before anything is sent.
   */
  multi(): Multi {
    return new Multi((commands, returnBuffers) => this.runTransaction(commands, returnBuffers));
  }

  /** Optimistic locking on one slot's keys, on a dedicated connection to the slot's primary. */
  async watch<T>(
    keys: readonly RedisKey[],
    work: (connection: MultiplexedConnection) => Promise<T>,
  ): Promise<T> {
    const slot = this.singleSlot('WATCH', keys);
    const config = this.router.config;
    const deadline = Date.now() + config.commandTimeoutMs;
    let handle = await this.primaryFor(slot);
    // A primary known down (its shared connection lost and not back): nothing is sent to it; wait, within the
    // command timeout, for it to be back or for the map to name its successor, as a single command does.
    for (let attempt = 0; !handle.isUp && handle.lastError !== undefined; ) {
      if (!(await this.backOff(attempt++, deadline))) break;
      if (this.state !== 'open') throw closed();
      handle = await this.primaryFor(slot);
    }
    return handle.dedicated.withConnection((connection) => connection.watch(keys, work));
  }

  /** Runs a command on one node, chosen by address (`host:port`). */
  async onNode<T>(address: string, command: Command<T>): Promise<T> {
    const known = () => this.router.topology?.addresses().includes(address) ?? false;
    if (this.state === 'open' && !known()) {
      // Maybe a node the map does not know yet; otherwise a typo, which must not wait out the deadline (and keep
      // reconnecting to an address that is no node at all).
      await this.router.refresh();
      if (this.router.topology && !known()) {
        throw new ClusterError(
          `${address} is not a node of the cluster (nodes: ${this.router.topology.addresses().join(', ')})`,
        );
      }
    }
    return this.pinned(command, address);
  }

  /** Runs a command on every primary; resolves with each primary's reply keyed by address. */
  async onEachPrimary<T>(command: Command<T>): Promise<Record<string, T>> {
    const primaries = await this.knownPrimaries();
    const replies = await Promise.all(primaries.map((address) => this.pinned(command, address)));
    return Object.fromEntries(primaries.map((address, index) => [address, replies[index]!]));
  }

  /** Visits every key of the cluster once, across slot moves and failovers. */
  scanIterator(options: ScanIteratorOptions = {}): AsyncIterableIterator<string> {
    return scanCluster(this, this.router, options);
  }

  subscribe(channels: string | readonly string[], listener: PubSubListener): Promise<void> {
    return this.pubsub.subscribe('channel', channels, listener);
  }
  unsubscribe(channels?: string | readonly string[], listener?: PubSubListener): Promise<void> {
    return this.pubsub.unsubscribe('channel', channels, listener);
  }
  psubscribe(patterns: string | readonly string[], listener: PubSubListener): Promise<void> {
    return this.pubsub.subscribe('pattern', patterns, listener);
  }
  punsubscribe(patterns?: string | readonly string[], listener?: PubSubListener): Promise<void> {
    return this.pubsub.unsubscribe('pattern', patterns, listener);
  }
  /** Sharded pub/sub: each channel is subscribed on the primary that owns its slot, and follows it when it moves. */
  ssubscribe(channels: string | readonly string[], listener: PubSubListener): Promise<void> {
    return this.pubsub.subscribe('shard', channels, listener);
  }
  sunsubscribe(channels?: string | readonly string[], listener?: PubSubListener): Promise<void> {
    return this.pubsub.unsubscribe('shard', channels, listener);
  }

  /** Nodes, roles, slot ranges and connection state, as known now. */
  topology(): TopologySnapshot {
    return describeTopology(this.router);
  }

  /**
   * A health report over the shared connection (never a connection of its own): every hash slot served, every
   * primary answering PING within `timeoutMs`, and each node as the topology reports it. Never rejects: a problem
   * is a `down` report that says what and why.
   */
  health(options: HealthOptions = {}): Promise<ClusterHealth> {
    return checkClusterHealth(this, options);
  }

  /** Commands, redirects, retries, reconnects, refreshes and pending commands so far. */
  stats(): ClusterStats {
    return this.router.stats();
  }

  on<E extends keyof ClusterEvents>(event: E, listener: (...args: ClusterEvents[E]) => void): this {
    this.router.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  off<E extends keyof ClusterEvents>(event: E, listener: (...args: ClusterEvents[E]) => void): this {
    this.router.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Refuses new commands, lets in-flight ones finish, then closes every connection. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    await this.router.close();
    this.state = 'closed';
  }

  /** Closes every connection now; pending commands fail. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.router.destroy();
  }

  /** True until `close()` or `destroy()`. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  private async fanOut<T>(command: Command<T>, { policy, blockMs }: FanOutPlan): Promise<T> {
    const addresses = policy.targets === 'primaries' ? await this.knownPrimaries() : await this.knownNodes();
    const raw: Command<unknown> = {
      name: command.name,
      args: command.args,
      returnBuffers: command.returnBuffers,
    };
    // Encoded once for every node.
    const payload = encodeCommand(command.name, command.args);
    // WAIT and WAITAOF: their own block time on top of the deadline, as on any shared connection (the plan refused
    // the block times `sharedConnectionDeadline` refuses).
    const commandTimeoutMs = this.router.config.commandTimeoutMs;
    const timeoutMs =
      blockMs === undefined ? commandTimeoutMs : blockingDeadlineMs(blockMs, commandTimeoutMs);
    const replies = await Promise.all(
      addresses.map((address, index) =>
        this.pinned(raw, address, payload, timeoutMs).catch(async (error: unknown) => {
          // READONLY from a node the map calls a primary: demoted by a failover the map has not seen. Nothing ran
          // there; once the map is refreshed, its shard's new primary gets the command instead.
          const demoted =
            policy.targets === 'primaries' && error instanceof ReplyError && error.prefix === 'READONLY';
          const successor = demoted ? await this.primaryReplacing(address) : undefined;
          if (successor === undefined) throw error;
          addresses[index] = successor;
          return this.pinned(raw, successor, payload, timeoutMs);
        }),
      ),
    );
    const transform = command.transform;
    if (policy.aggregate === 'perNode') {
      // One reply per node: the command's transform applies to each (INFO's text), not to the record.
      return aggregate('perNode', transform ? replies.map(transform) : replies, addresses) as T;
    }
    const combined = aggregate(policy.aggregate, replies, addresses);
    return transform === undefined ? (combined as T) : transform(combined);
  }

  /** MGET, MSET, DEL...: one command per slot, sent together, replies merged in key order. */
  private async split<T>(command: Command<T>, kind: SplitKind): Promise<T> {
    const parts = splitBySlot(kind, command.args);
    // Untraced: the command is traced once, as a whole (as a fan-out is), not again per part.
    const replies = await Promise.all(
      parts.map((part) =>
        this.dispatch<unknown>(
          { name: command.name, args: part.args, returnBuffers: command.returnBuffers },
          undefined,
        ),
      ),
    );
    const keyCount = kind === 'mset' ? command.args.length / 2 : command.args.length;
    const merged = mergeSplit(kind, parts, replies, keyCount);
    return command.transform ? command.transform(merged) : (merged as T);
  }

  private async runBlocking<T>(command: Command<T>, slot: number, blockMs: number): Promise<T> {
    const config = this.router.config;
    // One deadline for the whole command, waiting for a node and a dedicated connection included: its own block time
    // plus the command timeout (none when it blocks forever).
    const deadline = Date.now() + blockingDeadlineMs(blockMs, config.commandTimeoutMs);
    // A command not sent by the deadline never is: a late BLPOP would pop an element nobody receives.
    const send = (connection: MultiplexedConnection): Promise<T> => {
      const remaining = deadline - Date.now();
      if (remaining < 1) return Promise.reject(timeout());
      return connection.execHere(command, remaining);
    };
    let address = '';
    let lastError: Error | undefined;
    // Where a MOVED reply sent the command, for its next attempt only.
    let movedTo: string | undefined;
    const timeout = () =>
      new TimeoutError(
        `${command.name} timed out after ${blockMs + config.commandTimeoutMs} ms (node ${address || 'no node yet'}${lastError ? `; last error: ${lastError.message}` : ''})`,
        command.name,
        address || undefined,
      );
    for (let attempt = 0, redirects = 0; ; ) {
      try {
        const handle =
          movedTo !== undefined
            ? this.router.handleFor(movedTo)
            : slot === NO_KEY
              ? await this.anyPrimary()
              : await this.primaryFor(slot);
        movedTo = undefined;
        address = handle.address;
        const sent = handle.dedicated.withConnection(send);
        const reply =
          deadline === Number.POSITIVE_INFINITY ? sent : withTimeout(sent, deadline - Date.now(), timeout);
        return await (this.clientCache === undefined
          ? reply
          : afterInvalidations(reply, () =>
              handle.isUp ? handle.exec({ name: 'PING', args: [] }) : undefined,
            ));
      } catch (error) {
        if (this.state !== 'open') throw error;
        // A read-only blocking command (XREAD BLOCK) whose connection was lost is sent again: reading twice
        // changes nothing. Any other outcome-unknown command may have popped or claimed something: final.
        // A ClosedError while this connection is open: a topology change retired the node's dedicated connections
        // while this command waited for one, so it was never sent: route it again on the new map.
        const action =
          error instanceof ClosedError
            ? RetryAction.Refresh
            : error instanceof OutcomeUnknownError && safeToResend(command.name, command.args)
              ? RetryAction.Reconnect
              : classifyFailure(error as Error, UNWRITTEN_ATTEMPT);
        if (action === RetryAction.Redirect) {
          // A moved slot: it did not run; go where the reply says, as a single command does (the map, refreshed
          // meanwhile, may lag while the nodes agree). Told to go where it was: refresh first. (An ASK, for a slot
          // being migrated, is not followed on a dedicated connection.)
          if ((error as ReplyError).prefix !== 'MOVED' || redirects++ >= this.router.maxRedirects)
            throw error;
          movedTo = this.router.movedTarget(error as ReplyError);
          if (movedTo === undefined || movedTo === address) {
            movedTo = undefined;
            await this.router.refresh();
          }
          continue;
        }
        // Anything else that did not run (no connection could be opened, no node serves the slot yet, the cluster
        // said to try later): wait and try again within the deadline, as for any other command.
        if (!resends(action)) throw error;
        lastError = error as Error;
        if (!(await this.backOff(attempt++, deadline))) throw timeout();
        if (Date.now() >= deadline) throw timeout();
      }
    }
  }

  private runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
  ): Promise<unknown[] | null> {
    if (!commandTracing.hasSubscribers) return this.transaction(commands, returnBuffers, undefined);
    const context: CommandTraceContext = { command: 'MULTI', database: 0, batchSize: commands.length };
    return traceCommand(context, () => this.transaction(commands, returnBuffers, context));
  }

  private async transaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
    trace: CommandTraceContext | undefined,
  ): Promise<unknown[] | null> {
    const slots = new Set<number>();
    for (const command of commands) {
      const slot = commandSlot(command.name, command.args);
      if (slot !== NO_KEY) slots.add(slot);
    }
    if (slots.size > 1 || slots.has(CROSS_SLOT)) {
      const all = [...new Set(commands.flatMap((c) => distinctSlots(c.name, c.args)))];
      throw new CrossSlotError(
        `a cluster transaction must keep all its keys in one hash slot, but they map to slots ${all.join(', ')}; give them a common hash tag, e.g. {order42}:items and {order42}:total`,
        all,
      );
    }
    const [slot] = slots;
    const config = this.router.config;
    const deadline = Date.now() + config.commandTimeoutMs;
    // The importing node an ASK sent the transaction to, for its next attempt only.
    let askedNode: string | undefined;
    // The first ASK a queued command got in the last attempt (heard before EXEC's EXECABORT).
    let ask: ReplyError | undefined;
    const noteAsk = (error: unknown): void => {
      if (ask === undefined && error instanceof ReplyError && error.prefix === 'ASK') ask = error;
    };
    for (let aborted = 0, attempt = 0; ; ) {
      try {
        const asking = askedNode !== undefined;
        const handle = asking
          ? this.router.handleFor(askedNode!)
          : slot === undefined
            ? await this.anyPrimary()
            : await this.primaryFor(slot);
        askedNode = undefined;
        ask = undefined;
        if (trace !== undefined) traceNode(trace, handle.address);
        return await handle.runTransaction(commands, returnBuffers, asking, noteAsk);
      } catch (error) {
        if (this.state !== 'open') throw error;
        // EXECABORT after MOVED or ASK while queueing: nothing ran. After ASK (the slot is migrating and a key has
        // moved), the whole transaction goes to the importing node, after ASKING; otherwise follow the refreshed map.
        if (error instanceof ReplyError && error.prefix === 'EXECABORT') {
          if (aborted++ >= 3) throw error;
          askedNode = ask === undefined ? undefined : this.router.askTarget(ask);
          if (askedNode === undefined) await this.router.refresh();
          continue;
        }
        // Not sent (its primary cannot be reached, no node serves the slot yet): nothing ran, so wait for the map
        // to name a primary that answers, within the command timeout, as a single command does. A transaction lost
        // after it was written (OutcomeUnknownError) may have run: final.
        if (!resends(classifyFailure(error as Error, UNWRITTEN_ATTEMPT))) throw error;
        if (!(await this.backOff(attempt++, deadline))) throw error;
        if (this.state !== 'open') throw closed();
      }
    }
  }

  private singleSlot(name: string, keys: readonly RedisKey[]): number {
    if (keys.length === 0) throw new ArgumentError(`${name} needs at least one key`);
    const slots = [...new Set(keys.map(slotOfKey))];
    if (slots.length > 1) {
      throw new CrossSlotError(
        `${name} keys map to slots ${slots.join(', ')}; give them a common hash tag, e.g. {user1}:a`,
        slots,
      );
    }
    return slots[0]!;
  }

  /**
   * One request bound to one node; `payload` when the command was encoded already (fan-out), `timeoutMs` when its
   * deadline is not the command timeout (WAIT).
   */
  private pinned<T>(
    command: Command<T>,
    address: string,
    payload?: EncodedCommand,
    timeoutMs = this.router.config.commandTimeoutMs,
  ): Promise<T> {
    if (this.state !== 'open') return Promise.reject(closed());
    let encoded: EncodedCommand;
    try {
      encoded = payload ?? encodeCommand(command.name, command.args);
    } catch (error) {
      return Promise.reject(error);
    }
    const request = this.startRequest(
      command,
      encoded,
      pinnedRoute(address, safeToResend(command.name, command.args)),
      undefined,
      timeoutMs,
      command.transform,
    );
    return request instanceof QueueFullError ? Promise.reject(request) : request.promise!;
  }

  /**
   * @internal A cache miss: the caller's command as one read-only request to `slot`, settling `receiver` with the
   * reply before the command's transform (the cache keeps that), `receiver.origin` naming the node that answered.
   */
  fetchForCache(command: Command<unknown>, slot: number, receiver: FetchReceiver): void {
    if (!commandTracing.hasSubscribers) {
      this.fetchUntraced(command, slot, receiver);
      return;
    }
    // A miss goes to a server: traced like any command, naming the node that answered.
    const context = this.traceOf(command);
    const traced = traceCommand(
      context,
      () =>
        new Promise<unknown>((resolve, reject) => {
          const tracer: FetchReceiver = {
            origin: undefined,
            resolve(reply) {
              traceNode(context, tracer.origin?.lastAddress ?? '');
              receiver.origin = tracer.origin;
              receiver.resolve(reply);
              resolve(reply);
            },
            reject(error) {
              receiver.reject(error);
              reject(error);
            },
          };
          this.fetchUntraced(command, slot, tracer);
        }),
    );
    traced.catch(() => undefined); // the caller learns of the failure through the receiver
  }

  private fetchUntraced(command: Command<unknown>, slot: number, receiver: FetchReceiver): void {
    if (this.state !== 'open') {
      receiver.reject(closed());
      return;
    }
    let payload: EncodedCommand;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      receiver.reject(error as Error);
      return;
    }
    const timeoutMs = this.router.config.commandTimeoutMs;
    // No transform: the cache keeps the reply as the server sent it; each caller's transform runs on its copy.
    const request = this.startRequest(
      command,
      payload,
      slotRoute(slot, true),
      receiver,
      timeoutMs,
      undefined,
    );
    // Read once the reply is in (never synchronously): the node that answered, after redirects. A request that
    // failed at once has already detached its entry, which never reads `origin` then.
    if (request instanceof QueueFullError) receiver.reject(request);
    else receiver.origin = request;
  }

  /**
   * Waits out the backoff of `attempt`, cut at `deadline`, asking for a refresh meanwhile (a command sent as a unit,
   * outside the router's queues); false when no time is left.
   */
  private async backOff(attempt: number, deadline: number): Promise<boolean> {
    const wait = Math.min(backoffDelay(attempt, this.router.config.backoff), deadline - Date.now());
    if (wait <= 0) return false;
    this.router.requestRefresh();
    await new Promise((resolve) => setTimeout(resolve, wait));
    return true;
  }

  /** Admits one request (or says why not), then creates and routes it. */
  private startRequest<T>(
    command: Command<T>,
    payload: EncodedCommand,
    route: Route,
    settler: RequestSettler<T> | undefined,
    timeoutMs: number,
    transform: ((reply: unknown) => T) | undefined,
  ): ClusterRequest<T> | QueueFullError {
    const full = this.router.admissionError(command.name);
    if (full !== undefined) return full;
    const config = this.router.config;
    const request = new ClusterRequest<T>(
      command.name,
      payload,
      command.returnBuffers ?? config.returnBuffers,
      transform,
      route,
      this.router,
      timeoutMs,
      settler,
    );
    this.router.route(request as ClusterRequest<unknown>);
    return request;
  }

  private async knownPrimaries(): Promise<string[]> {
    if (!this.router.topology) await this.router.refresh();
    const primaries = this.router.primaries().map((handle) => handle.address);
    if (primaries.length === 0) throw new ClusterError('the cluster topology is not known yet');
    return primaries;
  }

  private async knownNodes(): Promise<string[]> {
    if (!this.router.topology) await this.router.refresh();
    return this.router.allNodes().map((handle) => handle.address);
  }

  private async primaryFor(slot: number) {
    if (!this.router.topology) await this.router.refresh();
    const shard = this.router.topology?.shardFor(slot);
    if (!shard) throw new ClusterError(`no node serves hash slot ${slot} right now`);
    return this.router.handleFor(shard.primary.address);
  }

  /** After a refresh, the primary of the shard `demoted` now serves as a replica; undefined if it is not one. */
  private async primaryReplacing(demoted: string): Promise<string | undefined> {
    await this.router.refresh();
    const shard = this.router.topology?.shards.find((s) => s.replicas.some((r) => r.address === demoted));
    return shard?.primary.address;
  }

  private async anyPrimary() {
    const [address] = await this.knownPrimaries();
    return this.router.handleFor(address!);
  }
}

/** The cluster's side of the client-side cache: misses go out as read-only requests routed by slot. */
class ClusterCacheSource implements CacheSource {
  constructor(
    private readonly connection: ClusterConnection,
    readonly returnBuffers: boolean,
  ) {}

  slotOf(key: RedisArg): number {
    return slotOfKey(key);
  }

  fetch(command: Command<unknown>, slot: number, receiver: FetchReceiver): void {
    this.connection.fetchForCache(command, slot, receiver);
  }
}

/**
 * A blocking command's or a transaction's failures, for the retry policy: a lost connection reaching `runBlocking` or
 * `transaction` was not written (their connections report a written one as `OutcomeUnknownError`), and neither is
 * ever re-sent once written.
 */
const UNWRITTEN_ATTEMPT: Attempt = {
  written: false,
  resendable: false,
  retryWrites: false,
  ownConnection: false,
  scope: 'cluster',
};

function closed(): ClosedError {
  return new ClosedError(
    'the cluster connection was closed by the application; create a new one to continue',
  );
}

/** Hands a promise's outcome to `settler`. */
function settleLater<T>(settler: RequestSettler<T>, promise: Promise<T>): void {
  promise.then(
    (value) => settler.resolve(value),
    (reason: Error) => settler.reject(reason),
  );
}
