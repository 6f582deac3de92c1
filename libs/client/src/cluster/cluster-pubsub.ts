import {
  ClosedError,
  ConfigError,
  ConnectionError,
  OutcomeUnknownError,
  ReplyError,
  TimeoutError,
} from '../errors.js';
import {
  type PubSubListener,
  SUBSCRIBE_COMMAND,
  type SubscriptionKind,
  Subscriptions,
  UNSUBSCRIBE_COMMAND,
} from '../pubsub/subscriptions.js';
import { backoffDelay } from '../util/backoff.js';
import { slotOfKey } from './key-slots.js';
import { reachesSubscriber } from './pubsub-homes.js';
import { groupBySlot, splitKey, toList } from './pubsub-names.js';
import type { ClusterRouter } from './router.js';

/** How long a subscription may sit on a connected node that the view says no longer gets its messages, before it
 * is moved without waiting for that node to drop it (a node cut off from the cluster never learns it should). */
const MOVE_GRACE_MS = 1_000;
/** MOVED replies followed by one SSUBSCRIBE before it counts as failed (and is retried with backoff). */
const MAX_SUBSCRIBE_REDIRECTS = 3;

/**
 * Pub/sub over the cluster. Channel and pattern subscriptions live on one node (cluster pub/sub reaches every
 * node); a sharded channel lives on a node of the shard that serves its slot, its primary when subscribed, and
 * follows MOVED replies. A subscription is never moved while its node is connected and still gets its messages:
 * two live subscriptions would deliver every message twice, and the topology seen during a failover is often
 * stale. It moves when its node drops it (a sharded channel whose slot left the node's shard: the server says so),
 * when the node's connection is lost, or when the view has said for a while that it gets nothing there.
 */
export class ClusterPubSub {
  private readonly subscriptions = new Subscriptions();
  /** `kind:name` → address of the node it is subscribed on. */
  private readonly placement = new Map<string, string>();
  /** `kind:name` of subscriptions whose SUBSCRIBE is on its way: nothing else places them meanwhile. */
  private readonly placing = new Set<string>();
  /** `kind:name` of subscriptions that lost their node and wait to be placed again. */
  private readonly unplaced = new Set<string>();
  /** `shard:name` → the node that dropped it: asked where its slot went, if the view still names that node. */
  private readonly droppedBy = new Map<string, string>();
  /** `kind:name` → when the view first said its node no longer gets its messages. */
  private readonly misplacedSince = new Map<string, number>();
  private placeTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private placeAttempt = 0;

  constructor(private readonly router: ClusterRouter) {
    router.holdsState = (address) => this.holdsOn(address);
    router.events.on('push', (push: unknown[], address: string) => {
      if (this.subscriptions.dispatch(push, address)) return;
      if (String(push[0]) === 'sunsubscribe') {
        // The server dropped a sharded channel because its slot left the node's shard (failover, resharding).
        this.lost('shard', String(push[1]), address);
        return;
      }
      router.config.onPush?.(push);
    });
    router.events.on('nodeUp', (address: string) => void this.restoreOn(address));
    router.events.on('nodeDown', (address: string) => this.moveOffLost(address));
    router.events.on('topologyChange', () => void this.rebalance());
  }

  async subscribe(
    kind: SubscriptionKind,
    names: string | readonly string[],
    listener: PubSubListener,
  ): Promise<void> {
    // Closed: fail before registering anything or dialling a node.
    if (this.router.isClosed) throw new ClosedError('the cluster connection was closed by the application');
    const added = this.subscriptions.add(kind, toList(names), listener);
    try {
      await this.place(kind, added);
    } catch (error) {
      // Its node is unreachable, was lost before confirming, or did not confirm in time (it may still subscribe):
      // keep trying, as after a reconnect. Rejecting would leave the listener registered with nothing placing it,
      // and a later subscribe to the same name a no-op.
      if (!(isLost(error) || error instanceof TimeoutError) || this.router.isClosed) throw error;
      this.retryPlacement(kind, added);
    }
  }

  async unsubscribe(
    kind: SubscriptionKind,
    names: string | readonly string[] | undefined,
    listener?: PubSubListener,
  ): Promise<void> {
    const removed = this.subscriptions.remove(
      kind,
      names === undefined ? undefined : toList(names),
      listener,
    );
    const byNode = new Map<string, string[]>();
    for (const name of removed) {
      const key = `${kind}:${name}`;
      const address = this.placement.get(key);
      this.placement.delete(key);
      this.misplacedSince.delete(key);
      if (address) byNode.set(address, [...(byNode.get(address) ?? []), name]);
    }
    await Promise.all(
      [...byNode].map(async ([address, group]) => {
        const handle = this.router.nodeHandles().get(address);
        if (!handle?.isUp) return; // its connection is gone, and the subscriptions with it
        try {
          const connection = await handle.connect();
          for (const slotGroup of kind === 'shard' ? groupBySlot(group) : [group]) {
            await connection.subscribeCommand(UNSUBSCRIBE_COMMAND[kind], slotGroup);
          }
        } catch (error) {
          if (!isLost(error)) throw error; // lost meanwhile: the subscriptions went with the connection
        }
      }),
    );
  }

  /** Subscribes names on the node each belongs to now (those not already on their way somewhere). */
  private async place(kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    const todo = names.filter((name) => !this.placing.has(`${kind}:${name}`));
    if (todo.length === 0) return;
    if (!this.router.topology) await this.router.refresh();
    const byNode = new Map<string, string[]>();
    for (const name of todo) {
      const address = this.home(kind, name);
      byNode.set(address, [...(byNode.get(address) ?? []), name]);
    }
    await Promise.all([...byNode].map(([address, group]) => this.subscribeOn(kind, address, group)));
  }

  /** SUBSCRIBEs names on a node; a sharded channel answered MOVED is subscribed where the reply says. */
  private async subscribeOn(
    kind: SubscriptionKind,
    address: string,
    names: readonly string[],
    redirects = 0,
  ): Promise<void> {
    const keys = names.map((name) => `${kind}:${name}`);
    for (const key of keys) this.placing.add(key);
    try {
      const connection = await this.router.handleFor(address).connect();
      if (connection.protocol !== 3) {
        throw new ConfigError(
          'pub/sub on the shared cluster connection needs RESP3: connect with protocol 3 (the default)',
        );
      }
      for (const group of kind === 'shard' ? groupBySlot(names) : [names]) {
        try {
          await connection.subscribeCommand(SUBSCRIBE_COMMAND[kind], group);
        } catch (error) {
          // A stale view sent it to a node outside the slot's shard: that node knows better.
          const target =
            error instanceof ReplyError && redirects < MAX_SUBSCRIBE_REDIRECTS
              ? this.router.movedTarget(error)
              : undefined;
          if (target === undefined) throw error;
          await this.subscribeOn(kind, target, group, redirects + 1);
          continue;
        }
        this.settle(kind, group, address);
      }
    } finally {
      for (const key of keys) this.placing.delete(key);
    }
  }

  /** Records where names were subscribed; leaves the node of any that were unsubscribed meanwhile. */
  private settle(kind: SubscriptionKind, names: readonly string[], address: string): void {
    const unwanted: string[] = [];
    for (const name of names) {
      const key = `${kind}:${name}`;
      this.misplacedSince.delete(key);
      if (!this.subscriptions.has(kind, name)) {
        unwanted.push(name);
        continue;
      }
      this.placement.set(key, address);
    }
    if (unwanted.length > 0) void this.leave(address, kind, unwanted);
  }

  /** Where a subscription that has no node should be placed now. */
  private home(kind: SubscriptionKind, name: string): string {
    const primaries = this.router.primaries().map((handle) => handle.address);
    if (kind === 'shard') {
      // A guess when the view has no owner for the slot: a MOVED reply corrects it.
      return this.router.topology?.shardFor(slotOfKey(name))?.primary.address ?? primaries[0]!;
    }
    // Channels and patterns all share one node: one connection carries them all.
    for (const [key, address] of this.placement) {
      if (!key.startsWith('shard:') && this.isUp(address)) return address;
    }
    return primaries.find((address) => this.isUp(address)) ?? primaries[0]!;
  }

  /** A node came back with a fresh connection: its subscriptions were lost with the old one. */
  private async restoreOn(address: string): Promise<void> {
    const lost = new Map<SubscriptionKind, string[]>();
    for (const [key, placed] of this.placement) {
      if (placed !== address || this.placing.has(key)) continue;
      const [kind, name] = splitKey(key);
      lost.set(kind, [...(lost.get(kind) ?? []), name]);
    }
    await Promise.all(
      [...lost].map(([kind, names]) =>
        this.subscribeOn(kind, address, names).catch(() => this.replace(kind, names, address)),
      ),
    );
  }

  /**
   * A node's connection is lost, and its subscriptions with it. Channels and patterns get their messages on any node:
   * they are made on another one at once, not left without messages until this node is reachable again (a node
   * down for less than the node timeout changes no topology). Sharded channels wait for their node, or a failover.
   */
  private moveOffLost(address: string): void {
    for (const kind of ['channel', 'pattern'] as const) {
      const names = this.subscriptions.names(kind).filter((name) => {
        const key = `${kind}:${name}`;
        return this.placement.get(key) === address && !this.placing.has(key);
      });
      if (names.length > 0) this.replace(kind, names, address);
    }
  }

  /**
   * After a topology change: places what has no live node, and moves what the view has said for MOVE_GRACE_MS
   * gets nothing where it is (subscribing on the new node first, then leaving the old one).
   */
  private async rebalance(): Promise<void> {
    const topology = this.router.topology;
    if (topology === null || this.router.isClosed) return;
    const now = Date.now();
    let recheckAt = Number.POSITIVE_INFINITY;
    const moves = new Map<SubscriptionKind, string[]>();
    const left = new Map<string, Map<SubscriptionKind, string[]>>();
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of this.subscriptions.names(kind)) {
        const key = `${kind}:${name}`;
        if (this.placing.has(key)) continue;
        const placed = this.placement.get(key);
        if (placed !== undefined && this.isUp(placed)) {
          if (reachesSubscriber(topology, kind, name, placed)) {
            this.misplacedSince.delete(key);
            continue;
          }
          const since = this.misplacedSince.get(key) ?? now;
          this.misplacedSince.set(key, since);
          if (now - since < MOVE_GRACE_MS) {
            recheckAt = Math.min(recheckAt, since + MOVE_GRACE_MS);
            continue;
          }
          const byKind = left.get(placed) ?? new Map<SubscriptionKind, string[]>();
          byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
          left.set(placed, byKind);
        }
        this.placement.delete(key);
        this.misplacedSince.delete(key);
        moves.set(kind, [...(moves.get(kind) ?? []), name]);
      }
    }
    if (recheckAt !== Number.POSITIVE_INFINITY) this.recheckAt(recheckAt);
    await Promise.all(
      [...moves].map(([kind, names]) =>
        this.place(kind, names).catch(() => this.retryPlacement(kind, names)),
      ),
    );
    await Promise.all(
      [...left].flatMap(([address, byKind]) =>
        [...byKind].map(([kind, names]) => this.leave(address, kind, names)),
      ),
    );
  }

  /** Looks again once a misplaced subscription's grace is over, whether or not the topology changes meanwhile. */
  private recheckAt(at: number): void {
    if (this.graceTimer) return;
    this.graceTimer = setTimeout(
      () => {
        this.graceTimer = null;
        void this.rebalance();
      },
      Math.max(0, at - Date.now()),
    );
    this.graceTimer.unref();
  }

  /** Best-effort UNSUBSCRIBE of names on a node they were moved away from. */
  private async leave(address: string, kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    const handle = this.router.nodeHandles().get(address);
    if (!handle?.isUp) return; // the connection is gone, and the subscriptions with it
    // Not if something placed them back on this very node meanwhile.
    const stale = names.filter((name) => this.placement.get(`${kind}:${name}`) !== address);
    if (stale.length === 0) return;
    try {
      const connection = await handle.connect();
      for (const group of kind === 'shard' ? groupBySlot(stale) : [stale]) {
        await connection.subscribeCommand(UNSUBSCRIBE_COMMAND[kind], group);
      }
    } catch {
      // The node went away meanwhile: nothing left to leave.
    }
  }

  /** A node dropped one of our subscriptions by itself: place it again on its current home. */
  private lost(kind: SubscriptionKind, name: string, address: string): void {
    const key = `${kind}:${name}`;
    if (this.placement.get(key) !== address) return; // already placed elsewhere
    this.droppedBy.set(key, address);
    this.replace(kind, [name], address);
  }

  /** Forgets that names live on `address` (they do not any more) and places them again. */
  private replace(kind: SubscriptionKind, names: readonly string[], address: string): void {
    for (const name of names) {
      const key = `${kind}:${name}`;
      if (this.placement.get(key) === address) this.placement.delete(key);
    }
    this.retryPlacement(kind, names);
  }

  /**
   * Places subscriptions that are not on any node now, at once the first time, then with backoff until each is
   * placed or unsubscribed (a failed attempt must not lose a subscription for good).
   */
  private retryPlacement(kind: SubscriptionKind, names: readonly string[]): void {
    for (const name of names) {
      const key = `${kind}:${name}`;
      if (!this.placement.has(key)) this.unplaced.add(key);
    }
    if (this.placeTimer || this.router.isClosed || this.unplaced.size === 0) return;
    const delay = this.placeAttempt === 0 ? 0 : backoffDelay(this.placeAttempt, this.router.config.backoff);
    this.placeTimer = setTimeout(() => {
      this.placeTimer = null;
      void this.placeUnplaced();
    }, delay);
    this.placeTimer.unref();
  }

  private async placeUnplaced(): Promise<void> {
    if (this.router.isClosed) return;
    const byKind = new Map<SubscriptionKind, string[]>();
    for (const key of this.unplaced) {
      const [kind, name] = splitKey(key);
      if (this.placement.has(key) || this.placing.has(key) || !this.subscriptions.has(kind, name)) continue;
      byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
    }
    this.unplaced.clear();
    const failed: [SubscriptionKind, string[]][] = [];
    const attempt = async (kind: SubscriptionKind, names: string[], place: () => Promise<void>) => {
      try {
        await place();
      } catch {
        failed.push([kind, names]);
      }
    };
    const owners = await this.ownersSeenByDroppers(byKind.get('shard') ?? []);
    const byOwner = new Map<string, string[]>();
    for (const [name, owner] of owners) byOwner.set(owner, [...(byOwner.get(owner) ?? []), name]);
    const elsewhere = [...byOwner].map(([owner, names]) =>
      attempt('shard', names, () => this.subscribeOn('shard', owner, names)),
    );
    const rest = [...byKind].map(([kind, names]) => {
      const todo = names.filter((name) => kind !== 'shard' || !owners.has(name));
      return attempt(kind, todo, () => this.place(kind, todo));
    });
    await Promise.all([...elsewhere, ...rest]);
    this.placeAttempt = failed.length === 0 ? 0 : this.placeAttempt + 1;
    for (const [kind, names] of failed) this.retryPlacement(kind, names);
  }

  /**
   * For sharded channels whose view still names the node that dropped them as their home: the owner that node names
   * itself (it let the slot go, so it knows where), by channel.
   */
  private async ownersSeenByDroppers(names: readonly string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    await Promise.all(
      names.map(async (name) => {
        const key = `shard:${name}`;
        const dropper = this.droppedBy.get(key);
        this.droppedBy.delete(key);
        if (dropper === undefined || dropper !== this.home('shard', name)) return;
        const owner = await this.router.ownerSeenBy(dropper, slotOfKey(name));
        if (owner !== undefined && owner !== dropper) owners.set(name, owner);
      }),
    );
    return owners;
  }

  /** True while some subscription lives on the node (its connection must stay open). */
  private holdsOn(address: string): boolean {
    for (const placed of this.placement.values()) if (placed === address) return true;
    return false;
  }

  private isUp(address: string): boolean {
    return this.router.nodeHandles().get(address)?.isUp === true;
  }
}

/** The connection was lost or could not be opened: whatever it held on the server went with it. */
function isLost(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof OutcomeUnknownError;
}
