/**
 * Commands answered `CLUSTERDOWN` wait here for the node that said so, instead of a backoff timer and a retry per
 * command: one probe (`CLUSTER INFO` on that node) every `PROBE_INTERVAL_MS` per node holding commands, and its
 * commands are sent again once that node reads `cluster_state:ok` (or sooner, when a new slot map sends them to
 * another node). While nodes rejoin one by one, each decides on its own when it is up: a command is never released
 * because some other node says ok, and so never bounces between the gate and a node that is still down.
 *
 * A command held again and again (a node whose state flips, a slot it does not serve although it says ok) waits
 * longer each time from its third hold on (200 ms, doubling up to `MAX_HOLD_MS`), so the re-sends of one command are
 * bounded: about 6 plus one a second of its deadline (at most 9 with the default 5 s).
 */
import { WaitingQueue } from '../util/waiting-queue.js';
import type { ClusterRequest } from './cluster-request.js';

/** How often a node holding commands is asked whether its cluster is up again, in ms. */
export const PROBE_INTERVAL_MS = 100;
/** Holds of one command that wait for its node only; later ones also wait out a delay of their own. */
export const PROMPT_HOLDS = 2;
/** The longest a command held again waits after its hold before it may be re-sent, in ms. */
export const MAX_HOLD_MS = 1_000;

/** What the gate needs from the router. */
export interface GateRouter {
  /** `CLUSTER INFO` of one node, as text. */
  clusterInfo(address: string): Promise<string>;
  /** Sends a held request on (its slot's owner now). */
  route(request: ClusterRequest<unknown>): void;
  /** The node a request would be sent to now; undefined when its slot has no owner in the map. */
  destination(request: ClusterRequest<unknown>): string | undefined;
}

/** A command held again: not sent before `at` (ms since the epoch), however soon its node is up. */
interface Delayed {
  readonly request: ClusterRequest<unknown>;
  readonly at: number;
}

/** The commands one node answered CLUSTERDOWN, and that node's probe. */
class NodeGate {
  /** Held once: sent on as soon as the node reads ok. */
  readonly held = new WaitingQueue<ClusterRequest<unknown>>();
  /** Held again: each with its own moment (an entry only for these, so a first hold allocates nothing). */
  readonly delayed: Delayed[] = [];
  timer: NodeJS.Timeout | null = null;
  probing = false;
  /** The node answered CLUSTERDOWN and no probe has read it up since: new commands for it wait here too. */
  down = true;

  get length(): number {
    return this.held.length + this.delayed.length;
  }

  /**
   * Drops the requests that settled while held (their deadline passed): true when some are still live. Checked before
   * each probe, so a node whose held requests all timed out is neither probed nor kept any longer.
   */
  dropSettled(): boolean {
    const delayed = this.delayed;
    let kept = 0;
    for (const entry of delayed) if (!entry.request.done) delayed[kept++] = entry;
    delayed.length = kept;
    return this.held.dropSettled() + kept > 0;
  }

  /** Every request held, settled ones skipped. */
  takeAll(): ClusterRequest<unknown>[] {
    const out = this.held.takeAll();
    for (const { request } of this.delayed.splice(0)) if (!request.done) out.push(request);
    return out;
  }
}

export class ClusterDownGate {
  private readonly nodes = new Map<string, NodeGate>();
  private closed = false;

  constructor(private readonly router: GateRouter) {}

  /**
   * True when `address` answered CLUSTERDOWN and has not read up since: a new command for it waits here (`wait`)
   * rather than being sent to be refused. Cheap when no node is held for (the common case).
   */
  isDown(address: string): boolean {
    return this.nodes.size > 0 && this.nodes.get(address)?.down === true;
  }

  /** A new command for a node known down (`isDown`): it waits for that node like a held one, without a send. */
  wait(request: ClusterRequest<unknown>, address: string): void {
    const gate = this.nodes.get(address)!;
    gate.held.push(request);
    this.scheduleProbe(address, gate);
  }

  /** Holds a request that `address` answered with CLUSTERDOWN; it is routed again once that node is up. */
  hold(request: ClusterRequest<unknown>, address: string): void {
    let gate = this.nodes.get(address);
    if (gate === undefined) {
      gate = new NodeGate();
      this.nodes.set(address, gate);
    }
    gate.down = true;
    // The first holds wait for the node only; each later one also waits out a delay that doubles, up to a second.
    const holds = request.attempts++;
    if (holds < PROMPT_HOLDS) {
      // Admitted requests are bounded already; the queue drops the ones that timed out.
      gate.held.push(request);
    } else {
      const at = Date.now() + Math.min(PROBE_INTERVAL_MS * 2 ** (holds - 1), MAX_HOLD_MS);
      gate.delayed.push({ request, at });
    }
    this.scheduleProbe(address, gate);
  }

  /**
   * The slot map changed: a held request that it now sends to another node than the one that said CLUSTERDOWN goes
   * there at once; the others keep waiting for their node's probe.
   */
  topologyChanged(): void {
    for (const [address, gate] of this.nodes) {
      for (const request of gate.held.takeAll()) {
        const to = this.router.destination(request);
        if (to !== undefined && to !== address) this.router.route(request);
        else gate.held.push(request);
      }
      const delayed = gate.delayed.splice(0);
      for (const entry of delayed) {
        if (entry.request.done) continue;
        const to = this.router.destination(entry.request);
        if (to !== undefined && to !== address) this.router.route(entry.request);
        else gate.delayed.push(entry);
      }
      if (gate.length === 0) this.forget(address, gate);
    }
  }

  /** Requests held, settled ones not dropped yet included. */
  get heldCount(): number {
    let count = 0;
    for (const gate of this.nodes.values()) count += gate.length;
    return count;
  }

  /** Fails every held request with `error` and stops probing. */
  close(error: Error): void {
    this.closed = true;
    for (const [address, gate] of this.nodes) {
      this.forget(address, gate);
      for (const request of gate.takeAll()) request.fail(error);
    }
  }

  private forget(address: string, gate: NodeGate): void {
    if (gate.timer !== null) clearTimeout(gate.timer);
    gate.timer = null;
    if (!gate.probing) this.nodes.delete(address);
  }

  private scheduleProbe(address: string, gate: NodeGate): void {
    if (this.closed || gate.probing || gate.timer !== null) return;
    gate.timer = setTimeout(() => {
      gate.timer = null;
      void this.probe(address, gate);
    }, PROBE_INTERVAL_MS);
    gate.timer.unref();
  }

  private async probe(address: string, gate: NodeGate): Promise<void> {
    if (!gate.dropSettled()) {
      this.nodes.delete(address);
      return;
    }
    gate.probing = true;
    const up = await this.router.clusterInfo(address).then(
      (info) => /^cluster_state:ok\b/m.test(info),
      () => false,
    );
    gate.probing = false;
    if (this.closed) return;
    this.release(gate, up);
    if (gate.length === 0) this.nodes.delete(address);
    else this.scheduleProbe(address, gate);
  }

  /** When the node is up, sends on every held request whose own delay is over; drops the settled ones either way. */
  private release(gate: NodeGate, up: boolean): void {
    const now = Date.now();
    const delayed = gate.delayed.splice(0);
    // Up: routing no longer holds new commands for it (isDown), these included.
    if (up) gate.down = false;
    if (up) for (const request of gate.held.takeAll()) this.router.route(request);
    for (const entry of delayed) {
      if (entry.request.done) continue;
      if (up && entry.at <= now) this.router.route(entry.request);
      else gate.delayed.push(entry);
    }
  }
}
