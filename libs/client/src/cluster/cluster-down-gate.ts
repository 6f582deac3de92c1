/**
 * Commands answered `CLUSTERDOWN The cluster is down` wait here, together, for the cluster to be up again: one probe
 * (`CLUSTER INFO` on the node that said so) every `PROBE_INTERVAL_MS` instead of a backoff timer and a retry per
 * command, and every one of them is sent again as soon as the probe reads `cluster_state:ok`. That keeps a cluster
 * that is down idle, and serves again within one probe interval once it is up.
 */
import { WaitingQueue } from '../util/waiting-queue.js';
import type { ClusterRequest } from './cluster-request.js';

/** How often the held commands' node is asked whether the cluster is up again, in ms. */
export const PROBE_INTERVAL_MS = 100;

/** What the gate needs from the router. */
export interface GateRouter {
  /** `CLUSTER INFO` of one node, as text. */
  clusterInfo(address: string): Promise<string>;
  /** Sends a held request on (its slot's owner now). */
  route(request: ClusterRequest<unknown>): void;
}

export class ClusterDownGate {
  private readonly held = new WaitingQueue<ClusterRequest<unknown>>();
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private probeAddress = '';
  private closed = false;

  constructor(private readonly router: GateRouter) {}

  /** Holds a request that `address` answered with CLUSTERDOWN; it is routed again once the cluster is up. */
  hold(request: ClusterRequest<unknown>, address: string): void {
    // Admitted requests are bounded already; the queue drops the ones that timed out.
    this.held.push(request);
    this.probeAddress = address;
    this.scheduleProbe();
  }

  /** Sends every held request on now (the topology changed: some may be served elsewhere). */
  releaseAll(): void {
    if (this.probeTimer !== null) {
      clearTimeout(this.probeTimer);
      this.probeTimer = null;
    }
    for (const request of this.held.takeAll()) this.router.route(request);
  }

  /** Fails every held request with `error` and stops probing. */
  close(error: Error): void {
    this.closed = true;
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    for (const request of this.held.takeAll()) request.fail(error);
  }

  private scheduleProbe(): void {
    if (this.closed || this.probing || this.probeTimer !== null) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.held.length === 0) return;
    this.probing = true;
    const up = await this.router.clusterInfo(this.probeAddress).then(
      (info) => /^cluster_state:ok\b/m.test(info),
      () => false,
    );
    this.probing = false;
    if (this.closed) return;
    if (up) this.releaseAll();
    else this.scheduleProbe();
  }
}
