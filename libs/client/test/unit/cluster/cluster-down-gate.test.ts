import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterDownGate, PROBE_INTERVAL_MS } from '../../../src/cluster/cluster-down-gate.js';
import type { ClusterRequest } from '../../../src/cluster/cluster-request.js';
import { ClosedError } from '../../../src/errors.js';

/** A stand-in for a held request: only what the gate reads and calls. */
function request(): ClusterRequest<unknown> & { failedWith?: Error } {
  const held = {
    done: false,
    failedWith: undefined as Error | undefined,
    fail(error: Error) {
      held.done = true;
      held.failedWith = error;
    },
  };
  return held as unknown as ClusterRequest<unknown> & { failedWith?: Error };
}

describe('ClusterDownGate: commands answered CLUSTERDOWN wait together for one probe', () => {
  let state = 'cluster_state:fail';
  const probes: string[] = [];
  const routed: unknown[] = [];
  const router = {
    clusterInfo: async (address: string) => {
      probes.push(address);
      return `${state}\r\ncluster_slots_assigned:16384\r\n`;
    },
    route: (held: ClusterRequest<unknown>) => routed.push(held),
  };
  beforeEach(() => {
    vi.useFakeTimers();
    state = 'cluster_state:fail';
    probes.length = 0;
    routed.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('probes once per interval however many commands wait, and sends every live one on when the cluster is up', async () => {
    const gate = new ClusterDownGate(router);
    const held = Array.from({ length: 1000 }, () => request());
    for (const each of held) gate.hold(each, '127.0.0.1:7000');
    expect(probes).toEqual([]);
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 5);
    expect(probes.length).toBe(5);
    expect(routed).toEqual([]);
    held[0]!.done = true; // timed out meanwhile: not sent again
    state = 'cluster_state:ok';
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(routed.length).toBe(999);
    expect(routed).not.toContain(held[0]);
    // Nothing left: no more probes.
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 5);
    expect(probes.length).toBe(6);
  });

  it('a failed probe counts as down; close() fails what waits and stops probing', async () => {
    const gate = new ClusterDownGate({
      clusterInfo: async (address) => {
        probes.push(address);
        throw new Error('connection refused');
      },
      route: router.route,
    });
    const held = request();
    gate.hold(held, '127.0.0.1:7001');
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 3);
    expect(probes.length).toBe(3);
    expect(routed).toEqual([]);
    gate.close(new ClosedError('closed'));
    expect(held.failedWith).toBeInstanceOf(ClosedError);
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 3);
    expect(probes.length).toBe(3);
  });
});
