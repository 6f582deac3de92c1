import { EventEmitter } from 'node:events';
import type { ResolvedConnectionConfig } from '../config.js';
import type { NodeConnectionSettings } from '../connection/connection-options.js';
import {
  type ConnectEvent,
  connectChannel,
  type DisconnectEvent,
  disconnectChannel,
  publishRetry,
  type RedirectEvent,
  redirectChannel,
  type TopologyEvent,
  topologyChannel,
} from '../diagnostics-events.js';
import {
  ClosedError,
  ClusterError,
  ConnectionError,
  type QueueFullError,
  ReplyError,
  TimeoutError,
} from '../errors.js';
import { splitAddress } from '../util/address.js';
import { Admission } from '../util/admission.js';
import { backoffDelay } from '../util/backoff.js';
import { withTimeout } from '../util/timeout.js';
import { WaitingQueue } from '../util/waiting-queue.js';
import { AskingRequest } from './asking-request.js';
import { ClusterDownGate } from './cluster-down-gate.js';
import type { NatMap, ReadFrom, SeedNode } from './cluster-options.js';
import type { ClusterRequest, RequestRouter } from './cluster-request.js';
import { NO_KEY } from './key-slots.js';
import { NodeHandle } from './node-handle.js';
import { askRoute, parseRedirect, type Route, slotRoute } from './route.js';
import { NO_OWNER, reachableAddress, SLOT_COUNT, type Topology } from './topology.js';
import { askNode, discoverTopology } from './topology-refresher.js';

/** How often the map is checked while it shows a dead primary or uncovered slots. */
const DEGRADED_REFRESH_MS = 500;
/** The deadline of the probe asking whether a cluster that said CLUSTERDOWN is up again. */
const PROBE_TIMEOUT_MS = 1000;

/** Counters for `conn.stats()`. */
export interface ClusterStats {
  commands: number;
  redirects: number;
  retries: number;
  /**
   * Connections to a node opened again after one was lost (the successful reconnects; `keyslot.client.reconnects`
   * of @keyslot/otel counts the same). Attempts that failed count in `dials` only.
   */
  reconnects: number;
  /** Connections to a node lost without the application closing them (each one starts a reconnect schedule). */
  disconnects: number;
  /** Connection attempts to nodes, first connections and reconnects (bounded per node and second by the backoff). */
  dials: number;
  refreshes: number;
  /** Commands not settled yet, wherever they wait: on a node, for the topology, or for a retry. */
  pending: number;
}

/** Told when what vouches for cached entries goes away (the client-side cache). */
export interface OwnershipListener {
  /** The node's shared connection was lost, replaced, or the node left the cluster. */
  onNodeLost(address: string): void;
  /** The slot is served by other nodes than before (MOVED, a refresh, a failover, resharding). */
  onSlotMoved(slot: number): void;
  /** Slots whose ownership matters (those holding entries). */
  cachedSlots(): Iterable<number>;
}

/** Settings the router needs beyond the connection config. */
export interface RouterSettings {
  seeds: SeedNode[];
  /** Socket settings for a node; `readonly` for connections that serve replica reads. */
  nodeSettings(host: string, port: number): NodeConnectionSettings;
  natMap: NatMap | undefined;
  readFrom: ReadFrom;
  topologyCheckIntervalMs: number;
  minRefreshIntervalMs: number;
  maxRedirects: number;
}

interface ShardRoute {
  primary: NodeHandle;
  replicas: NodeHandle[];
  next: number;
}

/**
 * Knows the slot map and the node handles, and sends each request to the node that serves it. Keeps the map fresh:
 * on MOVED (the slot is patched at once), on connection loss, when a slot has no owner, and periodically; refreshes
 * are single-flight and rate-limited, and traffic keeps flowing on the old map while one runs.
 */
export class ClusterRouter implements RequestRouter {
  readonly events = new EventEmitter();
  readonly retryWrites: boolean;
  readonly maxRedirects: number;
  topology: Topology | null = null;
  private readonly handles = new Map<string, NodeHandle>();
  private routes: ShardRoute[] = [];
  private readonly slotOverrides = new Map<number, string>();
  private readonly parked = new WaitingQueue<ClusterRequest<unknown>>();
  private refreshing: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshDueAt = 0;
  private readonly periodicTimer: NodeJS.Timeout;
  /** Requests waiting out a backoff delay before they are routed again. */
  private readonly retryTimers = new Map<NodeJS.Timeout, ClusterRequest<unknown>>();
  private lastRefreshAt = 0;
  private failedRefreshes = 0;
  private lastRefreshError: Error | undefined;
  /** Why each node last failed to describe the topology, for the connect error. */
  private readonly discoveryFailures = new Map<string, string>();
  private roundRobin = 0;
  /** The one admission point for `maxPending`: cluster requests created and not settled yet, wherever they wait. */
  private readonly admission: Admission;
  private closed = false;
  /** @internal The client-side cache, when there is one. */
  ownership: OwnershipListener | undefined;
  /** @internal True for a node that holds state of ours the view cannot see (pub/sub subscriptions). */
  holdsState: (address: string) => boolean = () => false;
  /** Commands answered CLUSTERDOWN, waiting together for the cluster to be up. */
  private readonly downGate: ClusterDownGate;
  private readonly counters = {
    commands: 0,
    redirects: 0,
    retries: 0,
    reconnects: 0,
    disconnects: 0,
    dials: 0,
    refreshes: 0,
  };

  constructor(
    private readonly settings: RouterSettings,
    readonly config: ResolvedConnectionConfig,
  ) {
    this.retryWrites = config.retryWrites;
    this.maxRedirects = settings.maxRedirects;
    this.admission = new Admission(config.maxPending, 'on this cluster connection');
    this.downGate = new ClusterDownGate({
      clusterInfo: (address) => this.probeClusterInfo(address),
      route: (request) => this.route(request),
      destination: (request) => this.handleOf(request.route)?.address,
    });
    this.events.on('error', () => {}); // errors are reported on commands; the event is informational
    this.periodicTimer = setInterval(() => this.requestRefresh(), settings.topologyCheckIntervalMs);
    this.periodicTimer.unref();
  }

  /** Discovers the topology, failing within `timeoutMs` with every seed node tried and why. */
  async connect(timeoutMs: number): Promise<void> {
    // Every seed, each with why it failed (or that it has not answered yet, e.g. a server that accepts the
    // connection and then stays silent).
    const timedOut = () => {
      const tried = this.settings.seeds
        .map((s) => {
          const address = `${s.host}:${s.port}`;
          const why = this.discoveryFailures.get(address) ?? `no answer within ${timeoutMs} ms`;
          return `${address} (${why})`;
        })
        .join('; ');
      return new TimeoutError(
        `could not connect to the cluster within ${timeoutMs} ms; seed nodes tried: ${tried}`,
      );
    };
    await withTimeout(this.refresh(), timeoutMs, timedOut);
    if (!this.topology)
      throw this.lastRefreshError ?? new ClusterError('could not discover the cluster topology');
  }

  /** Sends a request where its route says: its slot's owner (a replica for reads when asked), or its node. */
  route(request: ClusterRequest<unknown>): void {
    if (this.closed) {
      request.fail(new ClosedError('the cluster connection was closed by the application'));
      return;
    }
    const route = request.route;
    const handle = this.handleOf(route);
    if (handle === undefined) {
      this.park(request);
      return;
    }
    if (this.downGate.isDown(handle.address) && !route.asking && !route.pinned) {
      // The node answered CLUSTERDOWN and has not read up since: wait for it rather than be refused again. (A
      // command pinned to the node, CLUSTER INFO say, still goes: it may be what the application asks the node.)
      this.downGate.wait(request, handle.address);
      return;
    }
    request.lastAddress = handle.address;
    if (route.asking) {
      // An ASK route is for this one send; afterwards the slot's owner serves the request again.
      request.route = slotRoute(route.slot, route.readonly);
      handle.send(new AskingRequest(request));
    }
    handle.send(request);
  }

  /**
   * The retry policy's `Reconnect`: the connection failed before the request ran (or it may run twice). It is routed
   * again at once; if its node is still down it waits there for the node's one reconnect schedule, with no timer or
   * retry loop of its own.
   */
  resend(request: ClusterRequest<unknown>): void {
    this.counters.retries++;
    this.route(request);
  }

  /** The node a route leads to now, or undefined when the slot map has no owner for its slot. */
  private handleOf(route: Route): NodeHandle | undefined {
    if (route.node !== undefined) return this.handleFor(route.node);
    if (route.slot === NO_KEY) {
      const routes = this.routes;
      return routes.length > 0 ? routes[this.roundRobin++ % routes.length]!.primary : undefined;
    }
    const override = this.slotOverrides.size === 0 ? undefined : this.slotOverrides.get(route.slot);
    if (override !== undefined) return this.handleFor(override);
    if (this.topology === null) return undefined;
    const index = this.topology.slotOwner[route.slot]!;
    if (index === NO_OWNER) return undefined;
    const shard = this.routes[index]!;
    return route.readonly && this.settings.readFrom !== 'primary' ? this.pickReplica(shard) : shard.primary;
  }

  /**
   * `CLUSTER INFO` of a node that answered CLUSTERDOWN, for the gate. Only over an open connection of a node in the
   * map: a node that is down reads as not up, and is dialled on its one reconnect schedule only (asking would dial
   * it at once, every probe); a node no longer in the map gets no handle again.
   */
  private probeClusterInfo(address: string): Promise<string> {
    const handle = this.handles.get(address);
    if (handle === undefined || !handle.isUp)
      return Promise.reject(new ConnectionError(`${address} is not connected`, address));
    return handle
      .exec({ name: 'CLUSTER', args: ['INFO'] }, Math.min(this.config.commandTimeoutMs, PROBE_TIMEOUT_MS))
      .then(String);
  }

  /** Routes again the requests waiting on a node that is down, for those another node now serves. */
  private rerouteWaiting(handle: NodeHandle): void {
    for (const request of handle.takeWaiting()) {
      // ASKING is sent again with its request, if that still goes to the importing node.
      if (!(request instanceof AskingRequest)) this.route(request as ClusterRequest<unknown>);
    }
  }

  /** A request was created: counted once, for `maxPending` and for stats, however often it is retried. */
  requestStarted(): void {
    this.admission.admit();
    this.counters.commands++;
  }

  requestEnded(): void {
    this.admission.release();
  }

  /**
   * Refuses a new command when `maxPending` commands are already unsettled on this cluster connection, whatever
   * they wait for (a node, the topology, a retry): memory stays bounded even when every node is down.
   */
  admissionError(name: string): QueueFullError | undefined {
    return this.admission.refusal(name);
  }

  /** True once `close()` or `destroy()` ran. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * A MOVED or ASK reply from `from`, parsed and NAT-mapped here and nowhere else. MOVED patches the slot map at once
   * (and asks for a refresh); ASK gives the request a one-time route to the importing node.
   */
  redirect(request: ClusterRequest<unknown>, reply: ReplyError, from: string): void {
    const redirect = parseRedirect(reply.message);
    if (redirect === undefined) {
      reply.command = request.name;
      reply.node = from;
      request.fail(reply);
      return;
    }
    // Redirects name the address the node announces; behind NAT that is not the one to dial.
    const address = reachableAddress(redirect.announced, this.settings.natMap);
    this.counters.redirects++;
    if (redirectChannel.hasSubscribers) {
      const kind = reply.prefix === 'ASK' ? 'ASK' : 'MOVED';
      const event: RedirectEvent = { kind, command: request.name, slot: redirect.slot, from, to: address };
      redirectChannel.publish(event);
    }
    if (reply.prefix === 'ASK') {
      request.route = askRoute(request.route, address);
      this.route(request);
      return;
    }
    this.requestRefresh();
    if (address === from) {
      // Told to go where we already are: our connection is stale (e.g. the node was replaced). Replace it.
      this.handles.get(from)?.reset();
      request.lastError = reply;
      this.retryLater(request, true);
      return;
    }
    if (redirect.slot >= 0 && redirect.slot < SLOT_COUNT) {
      this.slotOverrides.set(redirect.slot, address);
      this.ownership?.onSlotMoved(redirect.slot);
    }
    this.route(request);
  }

  retryLater(request: ClusterRequest<unknown>, refresh: boolean): void {
    this.counters.retries++;
    publishRetry(request.name, request.attempts + 1, request.lastAddress, request.lastError);
    if (refresh) this.requestRefresh();
    if (this.closed) {
      request.fail(new ClosedError('the cluster connection was closed by the application'));
      return;
    }
    const why = request.lastError;
    if (why instanceof ReplyError && why.prefix === 'CLUSTERDOWN') {
      // Nothing to gain from each command retrying on its own: they wait for one probe to see their node up.
      this.downGate.hold(request, request.lastAddress);
      return;
    }
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        if (!request.done) this.route(request);
      },
      backoffDelay(request.attempts++, this.config.backoff),
    );
    this.retryTimers.set(timer, request);
  }

  describeState(): string {
    if (this.closed) return 'closed';
    if (!this.topology)
      return this.lastRefreshError
        ? `topology unknown: ${this.lastRefreshError.message}`
        : 'discovering the topology';
    return this.refreshing ? 'refreshing the topology' : '';
  }

  nodeError(address: string): Error | undefined {
    const handle = this.handles.get(address);
    return handle === undefined || handle.isUp ? undefined : handle.lastError;
  }

  /** Refreshes soon: at once unless one ran within the minimum interval. Never blocks traffic. */
  requestRefresh(minIntervalMs = this.refreshInterval()): void {
    if (this.closed || this.refreshing) return;
    const due = this.lastRefreshAt + minIntervalMs;
    if (this.refreshTimer) {
      if (due >= this.refreshDueAt) return; // one is planned already, as soon or sooner
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
    const wait = due - Date.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.refreshDueAt = due;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, wait);
    this.refreshTimer.unref();
  }

  /** Single-flight topology refresh. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.runRefresh().finally(() => {
      this.refreshing = null;
      if (this.closed) return;
      // Requests still waiting for an owner, or no topology at all: keep trying, rate-limited.
      if (this.parked.length > 0 || !this.topology) this.requestRefresh();
      // A map with a dead primary or slots nobody serves is about to change (a failover is under way): a refresh
      // made when the connection was lost saw it too early, so look again soon rather than at the next periodic check.
      else if (this.degraded()) this.requestRefresh(Math.max(DEGRADED_REFRESH_MS, this.refreshInterval()));
    });
    return this.refreshing;
  }

  /** Every node handle, primaries first. */
  primaries(): NodeHandle[] {
    return this.routes.map((route) => route.primary);
  }

  allNodes(): NodeHandle[] {
    return this.routes.flatMap((route) => [route.primary, ...route.replicas]);
  }

  /** The handle for a node address (created on demand). */
  handleFor(address: string): NodeHandle {
    let handle = this.handles.get(address);
    if (!handle) {
      const { host, port } = splitAddress(address);
      handle = new NodeHandle(address, this.settings.nodeSettings(host, port), this.config, {
        onUp: (node, reconnect) => {
          if (reconnect) this.counters.reconnects++;
          if (connectChannel.hasSubscribers)
            connectChannel.publish({ address: node.address, reconnect } satisfies ConnectEvent);
          this.events.emit('nodeUp', node.address);
        },
        onDown: (node, error) => {
          if (disconnectChannel.hasSubscribers)
            disconnectChannel.publish({ address: node.address, error } satisfies DisconnectEvent);
          this.ownership?.onNodeLost(node.address);
          this.counters.disconnects++;
          this.events.emit('nodeDown', node.address, error);
          this.requestRefresh();
        },
        onDial: () => this.counters.dials++,
        onUnreachable: (node) => {
          // Reads may go to another replica or the primary; a slot's primary has no stand-in until the map
          // changes (rerouted then, in apply), and a pinned request stays.
          if (this.settings.readFrom !== 'primary' || !this.routes.some((shard) => shard.primary === node))
            this.rerouteWaiting(node);
        },
        onPush: (node, push) => this.events.emit('push', push, node.address),
      });
      this.handles.set(address, handle);
    }
    return handle;
  }

  /**
   * Where an ASK reply to a command sent outside a request points (a queued command of a transaction), NAT-mapped and
   * counted as a redirect. Undefined when the reply is not an ASK that can be followed.
   */
  askTarget(reply: ReplyError): string | undefined {
    const redirect = reply.prefix === 'ASK' ? parseRedirect(reply.message) : undefined;
    if (redirect === undefined) return undefined;
    this.counters.redirects++;
    return reachableAddress(redirect.announced, this.settings.natMap);
  }

  /**
   * Where a MOVED reply to a command sent outside a request points (SSUBSCRIBE), NAT-mapped; asks for a refresh, as
   * any MOVED does. Undefined when the reply is not a MOVED that can be followed.
   */
  movedTarget(reply: ReplyError): string | undefined {
    const redirect = reply.prefix === 'MOVED' ? parseRedirect(reply.message) : undefined;
    if (redirect === undefined) return undefined;
    this.requestRefresh();
    return reachableAddress(redirect.announced, this.settings.natMap);
  }

  /**
   * Who serves a slot by one node's own account (the primary's address), undefined when it names nobody or cannot
   * be asked. A node that has just let a slot go knows its new owner before most others do.
   */
  async ownerSeenBy(address: string, slot: number): Promise<string | undefined> {
    const handle = this.handles.get(address);
    if (handle === undefined || !handle.isUp) return undefined;
    try {
      const view = await askNode(handle, this.config.connectTimeoutMs, this.settings.natMap);
      return view.shardFor(slot)?.primary.address;
    } catch {
      return undefined;
    }
  }

  /** Handles by address, for introspection. */
  nodeHandles(): ReadonlyMap<string, NodeHandle> {
    return this.handles;
  }

  stats(): ClusterStats {
    // Commands not settled yet, wherever they wait: a node's queue or socket, the topology, a retry delay.
    return { ...this.counters, pending: this.admission.pending };
  }

  async close(): Promise<void> {
    this.stop();
    this.failParked();
    await Promise.all([...this.handles.values()].map((handle) => handle.close()));
  }

  destroy(): void {
    this.stop();
    this.failParked();
    const error = new ClosedError('the cluster connection was destroyed by the application');
    for (const handle of this.handles.values()) handle.destroy(error);
  }

  private stop(): void {
    this.closed = true;
    clearInterval(this.periodicTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.downGate.close(new ClosedError('the cluster connection was closed by the application'));
    // Requests waiting to be retried would otherwise hang until their deadline (forever without one).
    const waiting = [...this.retryTimers];
    this.retryTimers.clear();
    for (const [timer, request] of waiting) {
      clearTimeout(timer);
      request.fail(new ClosedError('the cluster connection was closed by the application'));
    }
  }

  private failParked(): void {
    for (const request of this.parked.takeAll())
      request.fail(new ClosedError('the cluster connection was closed by the application'));
  }

  /** Some slot has no owner, or some primary cannot be reached. */
  private degraded(): boolean {
    if (this.topology !== null && this.topology.coveredSlots < SLOT_COUNT) return true;
    return this.routes.some(({ primary }) => !primary.isUp && primary.lastError !== undefined);
  }

  private refreshInterval(): number {
    // Back off while refreshes fail, so a dead cluster is not hammered.
    return this.failedRefreshes === 0
      ? this.settings.minRefreshIntervalMs
      : Math.max(this.settings.minRefreshIntervalMs, backoffDelay(this.failedRefreshes, this.config.backoff));
  }

  private async runRefresh(): Promise<void> {
    this.counters.refreshes++;
    this.lastRefreshAt = Date.now();
    try {
      const topology = await discoverTopology(
        this.candidates(),
        this.config.connectTimeoutMs,
        this.settings.natMap,
        (address, reason) => this.discoveryFailures.set(address, reason),
      );
      if (this.closed) return;
      this.failedRefreshes = 0;
      this.lastRefreshError = undefined;
      this.discoveryFailures.clear();
      const changed = this.apply(topology);
      if (topologyChannel.hasSubscribers) {
        const event: TopologyEvent = {
          outcome: changed ? 'changed' : 'unchanged',
          nodes: topology.addresses().length,
          coveredSlots: topology.coveredSlots,
        };
        topologyChannel.publish(event);
      }
    } catch (error) {
      this.failedRefreshes++;
      this.lastRefreshError = error as Error;
      if (topologyChannel.hasSubscribers) {
        const event: TopologyEvent = {
          outcome: 'failed',
          nodes: this.topology?.addresses().length ?? 0,
          coveredSlots: this.topology?.coveredSlots ?? 0,
          error: error as Error,
        };
        topologyChannel.publish(event);
      }
      this.events.emit('error', error);
    }
  }

  /** Nodes to ask for the topology: known nodes that are up first, then the rest, then the seeds. */
  private candidates(): NodeHandle[] {
    const known = this.topology ? this.allNodes() : [];
    const up = shuffle(known.filter((handle) => handle.isUp));
    const down = known.filter((handle) => !handle.isUp);
    const seeds = this.settings.seeds.map((seed) => this.handleFor(`${seed.host}:${seed.port}`));
    return [...new Set([...up, ...down, ...seeds])];
  }

  /** Adopts a topology; true when it differs from the one before. */
  private apply(topology: Topology): boolean {
    const changed = this.topology?.fingerprint !== topology.fingerprint;
    // The same map with no MOVED patch over it (the periodic refresh, nearly always): no slot changes hands, so the
    // slots holding cache entries are not walked. (The routes are rebuilt all the same: another node may list the
    // same shards in another order, and `slotOwner` indexes them.)
    const slotsMayMove = changed || this.slotOverrides.size > 0;
    const servedBefore = this.ownership === undefined || !slotsMayMove ? undefined : this.cachedSlotServers();
    this.topology = topology;
    this.slotOverrides.clear();
    this.routes = topology.shards.map((shard) => ({
      primary: this.handleFor(shard.primary.address),
      replicas: shard.replicas.map((replica) => this.handleFor(replica.address)),
      next: 0,
    }));
    const inUse = new Set(topology.addresses());
    // A node the view lists without routing to it (a primary turned replica and not yet online, a primary left
    // without slots) keeps its connection while something lives on it: closing it would drop its subscriptions.
    const listed = new Set(topology.unrouted.filter((n) => n.health !== 'failed').map((n) => n.address));
    const keep = (address: string) => inUse.has(address) || (listed.has(address) && this.holdsState(address));
    // Removed first, closed after: closing fails its waiting requests, which are routed again at once and may
    // create a handle for the same address; closing inside the loop over the map would meet that one, and so on.
    const removed = [...this.handles].filter(([address]) => !keep(address));
    for (const [address] of removed) this.handles.delete(address);
    for (const [address, handle] of removed) {
      void handle.close();
      this.ownership?.onNodeLost(address);
    }
    if (servedBefore !== undefined) {
      for (const [slot, servers] of servedBefore) {
        if (this.slotServers(slot) !== servers) this.ownership!.onSlotMoved(slot);
      }
    }
    for (const request of this.parked.takeAll()) this.route(request);
    for (const handle of this.allNodes()) {
      if (handle.isUp) continue;
      // The nodes this view lists are up by the account of the node that gave it: dial them now rather than after
      // their backoff (bounded per node by dialNow), and move what waits on them if the map sends it elsewhere.
      handle.dialNow();
      if (changed) this.rerouteWaiting(handle);
    }
    if (changed && this.retryTimers.size > 0) {
      // Requests backing off after a lost node or CLUSTERDOWN may be served now (e.g. a replica was promoted):
      // route them at once instead of after their delay.
      const waiting = [...this.retryTimers];
      this.retryTimers.clear();
      for (const [timer, request] of waiting) {
        clearTimeout(timer);
        if (!request.done) this.route(request);
      }
    }
    if (changed) {
      this.downGate.topologyChanged();
      this.events.emit('topologyChange', topology);
    }
    return changed;
  }

  /** Who serves each slot that holds cache entries, before a new map is applied. */
  private cachedSlotServers(): Map<number, string> {
    const servers = new Map<number, string>();
    for (const slot of this.ownership!.cachedSlots()) servers.set(slot, this.slotServers(slot));
    return servers;
  }

  /** The nodes that serve a slot's reads, as one comparable value ('' when nobody does). */
  private slotServers(slot: number): string {
    const override = this.slotOverrides.get(slot);
    if (override !== undefined) return override;
    const index = this.topology === null ? NO_OWNER : this.topology.slotOwner[slot]!;
    if (index === NO_OWNER) return '';
    const route = this.routes[index]!;
    if (this.settings.readFrom === 'primary') return route.primary.address;
    // Sorted: nodes may list a shard's replicas in any order.
    const replicas = route.replicas.map((replica) => replica.address).sort();
    return [route.primary.address, ...replicas].join(' ');
  }

  private pickReplica(route: ShardRoute): NodeHandle {
    const replicas = route.replicas;
    const count = replicas.length;
    if (count === 0) return route.primary;
    for (let i = 0; i < count; i++) {
      const replica = replicas[route.next++ % count]!;
      // A replica known unreachable is passed over (in every read mode): a read does not wait on it while another
      // replica or the primary can serve it. One never dialled yet is tried.
      if (replica.isUp || replica.lastError === undefined) return replica;
    }
    return route.primary;
  }

  private park(request: ClusterRequest<unknown>): void {
    // Admitted requests are bounded already; the queue drops the ones that timed out while parked.
    this.parked.push(request);
    this.requestRefresh();
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
