import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterDownGate, MAX_HOLD_MS, PROBE_INTERVAL_MS } from '../../../src/cluster/cluster-down-gate.js';
import type { ClusterRequest } from '../../../src/cluster/cluster-request.js';
import { ClosedError } from '../../../src/errors.js';

/** A stand-in for a held request: only what the gate reads and calls. */
function request(): ClusterRequest<unknown> & { failedWith?: Error } {
  const held = {
    done: false,
    attempts: 0,
    failedWith: undefined as Error | undefined,
    fail(error: Error) {
      held.done = true;
      held.failedWith = error;
    },
  };
  return held as unknown as ClusterRequest<unknown> & { failedWith?: Error };
}

describe('ClusterDownGate: commands answered CLUSTERDOWN wait for one probe of their node', () => {
  let state = 'cluster_state:fail';
  /** Per node, when it says something else than `state`. */
  const states = new Map<string, string>();
  const probes: string[] = [];
  const routed: unknown[] = [];
  /** Where the map sends every request now. */
  let destination: string | undefined = '127.0.0.1:7000';
  const router = {
    clusterInfo: async (address: string) => {
      probes.push(address);
      return `${states.get(address) ?? state}\r\ncluster_slots_assigned:16384\r\n`;
    },
    route: (held: ClusterRequest<unknown>) => routed.push(held),
    destination: () => destination,
  };
  beforeEach(() => {
    vi.useFakeTimers();
    state = 'cluster_state:fail';
    states.clear();
    probes.length = 0;
    routed.length = 0;
    destination = '127.0.0.1:7000';
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
      destination: router.destination,
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

  it('a node reading ok releases only the commands it held, never those another node still refuses', async () => {
    const gate = new ClusterDownGate(router);
    const fromA = request();
    const fromB = request();
    gate.hold(fromA, '127.0.0.1:7000');
    gate.hold(fromB, '127.0.0.1:7001');
    states.set('127.0.0.1:7000', 'cluster_state:ok'); // 7000 has rejoined, 7001 not yet
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(new Set(probes)).toEqual(new Set(['127.0.0.1:7000', '127.0.0.1:7001']));
    expect(routed).toEqual([fromA]);
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 5);
    expect(routed).toEqual([fromA]);
    states.set('127.0.0.1:7001', 'cluster_state:ok');
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(routed).toEqual([fromA, fromB]);
  });

  it('a command answered CLUSTERDOWN again and again waits longer each time, up to MAX_HOLD_MS, even from a node that reads ok', async () => {
    const gate = new ClusterDownGate(router);
    state = 'cluster_state:ok'; // says ok, yet keeps refusing the command (e.g. a slot it does not serve)
    const held = request();
    const resentAt: number[] = [];
    const start = Date.now();
    const bounce = {
      ...router,
      route: (again: ClusterRequest<unknown>) => {
        resentAt.push(Date.now() - start);
        bouncing.hold(again, '127.0.0.1:7000');
      },
    };
    const bouncing = new ClusterDownGate(bounce);
    bouncing.hold(held, '127.0.0.1:7000');
    await vi.advanceTimersByTimeAsync(5_000);
    // Within a 5 s deadline: at the next probe twice, then 200, 400, 800 ms more (rounded up to the probes), then
    // once a second.
    expect(resentAt.length).toBeLessThanOrEqual(10);
    expect(resentAt.length).toBeGreaterThanOrEqual(5);
    const gaps = resentAt.slice(1).map((at, i) => at - resentAt[i]!);
    for (let i = 1; i < gaps.length; i++)
      expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]! - PROBE_INTERVAL_MS);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(MAX_HOLD_MS + PROBE_INTERVAL_MS);
    bouncing.close(new ClosedError('closed'));
    gate.close(new ClosedError('closed'));
  });

  it('a new slot map sends on at once the commands it routes elsewhere and keeps the others waiting for their node', async () => {
    const gate = new ClusterDownGate(router);
    const moved = request();
    const stays = request();
    gate.hold(moved, '127.0.0.1:7001');
    gate.hold(stays, '127.0.0.1:7000');
    destination = '127.0.0.1:7000'; // the map now sends both to 7000 (7001's slots were failed over to it)
    gate.topologyChanged();
    expect(routed).toEqual([moved]);
    expect(gate.heldCount).toBe(1);
    state = 'cluster_state:ok';
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(routed).toEqual([moved, stays]);
    expect(gate.heldCount).toBe(0);
  });

  it('a node that answered CLUSTERDOWN counts as down for new commands until its probe reads ok', async () => {
    const gate = new ClusterDownGate(router);
    expect(gate.isDown('127.0.0.1:7000')).toBe(false);
    gate.hold(request(), '127.0.0.1:7000');
    expect(gate.isDown('127.0.0.1:7000')).toBe(true);
    expect(gate.isDown('127.0.0.1:7001')).toBe(false);
    const newcomer = request();
    gate.wait(newcomer, '127.0.0.1:7000');
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 3);
    expect(routed).toEqual([]);
    state = 'cluster_state:ok';
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(routed).toContain(newcomer);
    expect(gate.isDown('127.0.0.1:7000')).toBe(false);
  });

  it('stops probing and keeps nothing once every held command timed out, held once or held again', async () => {
    const gate = new ClusterDownGate(router);
    const once = Array.from({ length: 1000 }, () => request());
    for (const each of once) gate.hold(each, '127.0.0.1:7000');
    const again = request();
    again.attempts = 5; // held again: waits in the delayed list
    gate.hold(again, '127.0.0.1:7000');
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 2);
    expect(probes.length).toBe(2);
    for (const each of [...once, again]) each.done = true; // their deadlines passed; the node still says fail
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 10);
    expect(probes.length).toBe(2);
    expect(gate.heldCount).toBe(0);
    expect(gate.isDown('127.0.0.1:7000')).toBe(false);
  });
});
