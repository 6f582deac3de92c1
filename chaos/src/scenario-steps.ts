// Steps the faults share: callers' keys, the fault clock, faults that last a given time, a SIGKILLed primary.
import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import { callerKeys, slotOf, spreadSlots } from './keys.js';
import { loggedAt } from './redis-log.js';
import type { FaultReport, ScenarioContext } from './run-scenario.js';
import type { ChaosSettings } from './settings.js';

/** Callers spread evenly over the slot space. */
export function spreadKeys(prefix: string) {
  return (_cluster: DevCluster, settings: ChaosSettings) =>
    callerKeys(prefix, spreadSlots(settings.callers), settings.callers);
}

/** Which callers' keys `node` serves now. */
export function callersOn(context: ScenarioContext, node: DevClusterNode): boolean[] {
  return context.keys.map((key) => context.cluster.ownerOf(slotOf(key))?.id === node.id);
}

/** Starts the fault clock: recovery is measured from now. */
export function begin(context: ScenarioContext): number {
  const at = Date.now();
  context.load.markFault(at);
  return at;
}

/** Waits until `ms` have passed since `since`: a fault that lasts a given time. */
export function lasting(context: ScenarioContext, since: number, ms: number, what: string): Promise<void> {
  return context.cluster.waitFor(() => Date.now() - since >= ms, {
    timeoutMs: ms + 5_000,
    intervalMs: 20,
    message: what,
  });
}

/** Writes `keys` (any value) straight to the nodes, 500 at a time. */
export async function writeKeys(context: ScenarioContext, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    await Promise.all(keys.slice(i, i + 500).map((key) => context.direct.set(key, 'filler'.repeat(8))));
  }
}

/** Slots to move and the node they go to, chosen when the keys are. */
export interface Move {
  slots: number[];
  target?: DevClusterNode;
}

/** Even callers in the slots that move (round-robin), odd ones spread over the slot space. */
export function keysAcross(prefix: string, move: Move, settings: ChaosSettings): string[] {
  const spread = spreadSlots(settings.callers);
  const slots = spread.map((slot, i) => (i % 2 === 0 ? move.slots[(i / 2) % move.slots.length]! : slot));
  return callerKeys(prefix, slots, settings.callers);
}

/** A graceful CLUSTER FAILOVER of the first primary to its replica. */
export async function failoverPrimary(context: ScenarioContext): Promise<FaultReport> {
  const { cluster } = context;
  const primary = cluster.primaries[0]!;
  const replica = cluster.replicasOf(primary)[0]!;
  const affected = callersOn(context, primary);
  const faultAt = begin(context);
  await cluster.failover(replica);
  return { faultAt, affected, marks: { settledAt: Date.now() } };
}

/**
 * SIGKILLs a primary, waits for its replica's promotion, then restarts the dead node (it rejoins as the new
 * primary's replica, so that writes can be confirmed with WAIT again).
 */
export async function killPrimary(context: ScenarioContext): Promise<FaultReport> {
  const { cluster } = context;
  const victim = cluster.primaries[0]!;
  const heir = cluster.replicasOf(victim)[0]!;
  const affected = callersOn(context, victim);
  context.confirmer?.forget(victim);
  const faultAt = begin(context);
  await cluster.kill(victim);
  const killedAt = Date.now();
  let polledAt = 0;
  await cluster.waitFor(
    async () => {
      const role = await cluster.adminWithTimeout(heir, 1_000, 'ROLE');
      if (!String(role).startsWith('master')) return false;
      polledAt = Date.now();
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 20, message: `${heir.address} to report itself primary` },
  );
  // The heir's own log has the moment of its promotion to the millisecond; polling from this busy process
  // only notices it a little later.
  const logged = loggedAt(heir.dir, /Failover election won/, faultAt);
  const promotedAt = logged !== undefined && logged <= polledAt ? logged : polledAt;
  await context.confirmer?.update();
  await cluster.restart(victim);
  await context.confirmer?.update();
  return {
    faultAt,
    affected,
    marks: { killedAt, promotedAt, rejoinedAt: Date.now() },
    notes: { promotionFrom: logged !== undefined && logged <= polledAt ? 'redis.log' : 'ROLE polling' },
  };
}
