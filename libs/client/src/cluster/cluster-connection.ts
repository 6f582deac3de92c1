import type { Command, RedisKey } from '../command.js';
import { blockingDeadlineMs, blockingTimeoutMs } from '../commands/blocking.js';
import { safeToResend, singleKeyCommand } from '../commands/command-info.js';
import { learnUnknownCommands } from '../commands/learned-commands.js';
import { RedisCommands } from '../commands/redis-commands.js';
import type { MultiplexedConnection } from '../connection/multiplexed-connection.js';
import {
  ClosedError,
  ClusterError,
  ConnectionError,
  CrossSlotError,
  ReplyError,
  TimeoutError,
} from '../errors.js';
import type { PubSubListener } from '../pubsub/subscriptions.js';
import { encodeCommand } from '../resp/encode-command.js';
import { type CommandTraceContext, commandTracing, traceCommand } from '../tracing.js';
import { Multi } from '../transaction/multi.js';
import { backoffDelay } from '../util/backoff.js';
import { ClusterBatch } from './cluster-batch.js';
import { ClusterPubSub } from './cluster-pubsub.js';
import { ClusterRequest, RETRY_LATER, type RequestSettler } from './cluster-request.js';
import { aggregate, type FanOutPolicy, fanOutPolicy } from './fan-out-policy.js';
import { CROSS_SLOT, commandSlot, distinctSlots, NO_KEY, slotOfKey } from './key-slots.js';
import type { ClusterRouter, ClusterStats } from './router.js';
import { type ScanOptions, scanCluster } from './scan-iterator.js';
import { mergeSplit, splitBySlot, splitKind } from './split-multi-key.js';
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

  /** @internal Use `ClusterClient#getConnection()`. */
  constructor(private readonly router: ClusterRouter) {
    super();
    this.pubsub = new ClusterPubSub(router);
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
    if (commandTracing.hasSubscribers) {
      const context: CommandTraceContext = { command: command.name };
      return traceCommand(context, () => this.dispatch(command, context));
    }
    return this.dispatch(command, undefined);
  }

  private dispatch<T>(command: Command<T>, trace: CommandTraceContext | undefined): Promise<T> {
    const request = this.routeSimple(command, undefined);
    if (request === undefined) return this.dispatchSpecial(command);
    if (trace !== undefined) {
      // The node that finally answered (after redirects), known once the command settles.
      const recordNode = (): void => {
        trace.node = request.lastAddress || undefined;
      };
      request.promise!.then(recordNode, recordNode);
    }
    return request.promise!;
  }

  /**
   * @internal Sends a command that goes to one slot's node, settling `settler` (or the request's own promise).
   * Returns undefined, having sent nothing, for what needs more than one request: fan-out, blocking, cross-slot
   * commands, or a command that fails before sending.
   */
  routeSimple<T>(command: Command<T>, settler: RequestSettler<T> | undefined): ClusterRequest<T> | undefined {
    const name = command.name;
    const args = command.args;
    if (this.state !== 'open') return undefined;
    let slot: number;
    let readonly: boolean;
    const single = singleKeyCommand(name);
    if (single !== undefined && single.keyIndex < args.length) {
      // GET, SET, HSET...: one cached lookup, one hash (fan-out policies are for keyless commands only).
      slot = slotOfKey(args[single.keyIndex]!);
      readonly = single.flags.readonly;
    } else {
      if (fanOutPolicy(name, args) !== undefined || blockingTimeoutMs(name, args) !== undefined)
        return undefined;
      slot = commandSlot(name, args);
      if (slot === CROSS_SLOT) return undefined;
      readonly = safeToResend(name, args);
    }
    let payload: string | Buffer;
    try {
      payload = encodeCommand(name, args);
    } catch {
      return undefined;
    }
    if (this.router.admissionError(name)) return undefined;
    const config = this.router.config;
    const request = new ClusterRequest<T>(
      name,
      payload,
      command.returnBuffers ?? config.returnBuffers,
      command.transform,
      slot,
      readonly,
      this.router,
      config.commandTimeoutMs,
      settler,
    );
    this.router.countCommand();
    this.router.route(request as ClusterRequest<unknown>);
    return request;
  }

  /** Everything `routeSimple` declines, with the reason when it cannot be sent. */
  private dispatchSpecial<T>(command: Command<T>): Promise<T> {
    const name = command.name;
    const args = command.args;
    if (this.state !== 'open') return Promise.reject(closed());
    const policy = fanOutPolicy(name, args);
    if (policy !== undefined) return this.fanOut(command, policy);
    const blockMs = blockingTimeoutMs(name, args);
    if (blockMs !== undefined) return this.runBlocking(command, blockMs);
    const slot = commandSlot(name, args);
    if (slot === CROSS_SLOT) return this.crossSlot(command);
    try {
      encodeCommand(name, args);
    } catch (error) {
      return Promise.reject(error);
    }
    const full = this.router.admissionError(name);
    return Promise.reject(full ?? closed());
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
    const handle = await this.primaryFor(slot);
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
  scanIterator(options: ScanOptions = {}): AsyncIterableIterator<string> {
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

  private async fanOut<T>(command: Command<T>, policy: FanOutPolicy): Promise<T> {
    const addresses = policy.targets === 'primaries' ? await this.knownPrimaries() : await this.knownNodes();
    const raw: Command<unknown> = {
      name: command.name,
      args: command.args,
      returnBuffers: command.returnBuffers,
    };
    const replies = await Promise.all(addresses.map((address) => this.pinned(raw, address)));
    const transform = command.transform;
    if (policy.aggregate === 'perNode') {
      // One reply per node: the command's transform applies to each (INFO's text), not to the record.
      return aggregate('perNode', transform ? replies.map(transform) : replies, addresses) as T;
    }
    const combined = aggregate(policy.aggregate, replies, addresses);
    return transform === undefined ? (combined as T) : transform(combined);
  }

  private async crossSlot<T>(command: Command<T>): Promise<T> {
    const kind = splitKind(command.name);
    if (kind === undefined) {
      const slots = distinctSlots(command.name, command.args);
      throw new CrossSlotError(
        `${command.name} keys map to ${slots.length} hash slots (${slots.join(', ')}); in a cluster they must share one slot: give them a common hash tag, e.g. {user1}:a and {user1}:b`,
        slots,
      );
    }
    const parts = splitBySlot(kind, command.args);
    const replies = await Promise.all(
      parts.map((part) =>
        this.sendCommand<unknown>({
          name: command.name,
          args: part.args,
          returnBuffers: command.returnBuffers,
        }),
      ),
    );
    const keyCount = kind === 'mset' ? command.args.length / 2 : command.args.length;
    const merged = mergeSplit(kind, parts, replies, keyCount);
    return command.transform ? command.transform(merged) : (merged as T);
  }

  private async runBlocking<T>(command: Command<T>, blockMs: number): Promise<T> {
    const slot = commandSlot(command.name, command.args);
    if (slot === CROSS_SLOT) return this.crossSlot(command);
    const config = this.router.config;
    // One deadline for the whole command, waiting for a node and a dedicated connection included: its own block time
    // plus the command timeout (none when it blocks forever).
    const deadline = Date.now() + blockingDeadlineMs(blockMs, config.commandTimeoutMs);
    // A command not sent by the deadline never is: a late BLPOP would pop an element nobody receives.
    const send = (connection: MultiplexedConnection): Promise<T> => {
      const remaining = deadline - Date.now();
      if (remaining < 1) return Promise.reject(new AbandonedError());
      return connection.execHere(command, remaining);
    };
    let address = '';
    let lastError: Error | undefined;
    const timeout = () =>
      new TimeoutError(
        `${command.name} timed out after ${blockMs + config.commandTimeoutMs} ms (node ${address || 'no node yet'}${lastError ? `; last error: ${lastError.message}` : ''})`,
        command.name,
        address || undefined,
      );
    for (let attempt = 0, redirects = 0; ; ) {
      try {
        const handle = slot === NO_KEY ? await this.anyPrimary() : await this.primaryFor(slot);
        address = handle.address;
        const sent = handle.dedicated.withConnection(send);
        return deadline === Number.POSITIVE_INFINITY
          ? await sent
          : await withDeadline(sent, deadline, timeout);
      } catch (error) {
        if (this.state !== 'open' || error instanceof TimeoutError) throw error;
        // A moved slot: it did not run; follow the map once it is refreshed.
        if (error instanceof ReplyError && error.prefix === 'MOVED') {
          if (redirects++ >= this.router.maxRedirects) throw error;
          await this.router.refresh();
          continue;
        }
        // It was not sent (no connection could be opened, no node serves the slot yet) or the cluster said to try
        // later: wait and try again within the deadline, as for any other command.
        const notRun =
          error instanceof ConnectionError || // OutcomeUnknownError (it may have run) is not one
          error instanceof ClusterError ||
          (error instanceof ReplyError && RETRY_LATER.has(error.prefix));
        if (!notRun) throw error;
        lastError = error as Error;
        const wait = Math.min(backoffDelay(attempt++, config.backoff), deadline - Date.now());
        if (wait <= 0) throw timeout();
        this.router.requestRefresh();
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (Date.now() >= deadline) throw timeout();
      }
    }
  }

  private async runTransaction(
    commands: readonly Command<unknown>[],
    returnBuffers: boolean,
  ): Promise<unknown[] | null> {
    const slots = new Set<number>();
    for (const command of commands) {
      const slot = commandSlot(command.name, command.args);
      if (slot === CROSS_SLOT) slots.add(-2);
      else if (slot !== NO_KEY) slots.add(slot);
    }
    if (slots.size > 1 || slots.has(-2)) {
      const all = [...new Set(commands.flatMap((c) => distinctSlots(c.name, c.args)))];
      throw new CrossSlotError(
        `a cluster transaction must keep all its keys in one hash slot, but they map to slots ${all.join(', ')}; give them a common hash tag, e.g. {order42}:items and {order42}:total`,
        all,
      );
    }
    const [slot] = slots;
    for (let attempt = 0; ; attempt++) {
      const handle = slot === undefined ? await this.anyPrimary() : await this.primaryFor(slot);
      try {
        return await handle.runTransaction(commands, returnBuffers);
      } catch (error) {
        // EXECABORT after MOVED while queueing: nothing ran; follow the refreshed map.
        const moved = error instanceof ReplyError && error.prefix === 'EXECABORT';
        if (!moved || attempt >= 3) throw error;
        await this.router.refresh();
      }
    }
  }

  private singleSlot(name: string, keys: readonly RedisKey[]): number {
    if (keys.length === 0) throw new ClusterError(`${name} needs at least one key`);
    const slots = [...new Set(keys.map(slotOfKey))];
    if (slots.length > 1) {
      throw new CrossSlotError(
        `${name} keys map to slots ${slots.join(', ')}; give them a common hash tag, e.g. {user1}:a`,
        slots,
      );
    }
    return slots[0]!;
  }

  private pinned<T>(command: Command<T>, address: string): Promise<T> {
    if (this.state !== 'open') return Promise.reject(closed());
    let payload: string | Buffer;
    try {
      payload = encodeCommand(command.name, command.args);
    } catch (error) {
      return Promise.reject(error);
    }
    const full = this.router.admissionError(command.name);
    if (full) return Promise.reject(full);
    const config = this.router.config;
    const request = new ClusterRequest<T>(
      command.name,
      payload,
      command.returnBuffers ?? config.returnBuffers,
      command.transform,
      NO_KEY,
      safeToResend(command.name, command.args),
      this.router,
      config.commandTimeoutMs,
    );
    request.pinned = address;
    this.router.countCommand();
    this.router.route(request as ClusterRequest<unknown>);
    return request.promise!;
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

  private async anyPrimary() {
    const [address] = await this.knownPrimaries();
    return this.router.handleFor(address!);
  }
}

/** Thrown inside a dedicated connection's turn when the caller has given up already: the command is never sent. */
class AbandonedError extends Error {}

/** Rejects with `onTimeout()` at `deadline` unless `work` settles first. */
function withDeadline<T>(work: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function closed(): ClosedError {
  return new ClosedError(
    'the cluster connection was closed by the application; create a new one to continue',
  );
}
