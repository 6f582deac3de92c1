// The faults a soak draws from: the suite's faults, in a form that can repeat on one long-lived cluster (every
// node keeps its port, so the proxies in front of the nodes stay valid; a killed node is restarted; slots move
// back and forth). Each resolves once the fault is over and repaired, with the moment of the repair.
import type { DevCluster, DevClusterNode, TcpProxy } from '@keyslot/dev-cluster';
import type { WriteConfirmer } from './durability.js';

/** What a soak fault may use. */
export interface SoakContext {
  readonly cluster: DevCluster;
  /** Proxies by the address of the node behind them; the client reaches every node through its proxy. */
  readonly proxies: ReadonlyMap<string, TcpProxy>;
  readonly confirmer: WriteConfirmer;
  /** Changes what the client's credentials provider returns from now on. */
  rotatePassword(): Promise<void>;
  /** A random integer in [0, n). */
  random(n: number): number;
}

export type SoakFault = (context: SoakContext) => Promise<{ repairedAt: number; detail: string }>;

/** How long the faults that last a while last: longer than the soak client's 2 s command deadline where it says. */
const STALL_MS = 1_500;
const BLACKHOLE_MS = 2_500;
const OUTAGE_MS = 5_000;
const OOM_MS = 2_000;

function pick<T>(context: SoakContext, items: readonly T[]): T {
  return items[context.random(items.length)]!;
}

/** A primary that has a running replica (the one to kill or fail over). */
function replicatedPrimary(context: SoakContext): { primary: DevClusterNode; replica: DevClusterNode } {
  const { cluster } = context;
  const candidates = cluster.primaries.flatMap((primary) => {
    const replica = cluster.replicasOf(primary).find((node) => node.state === 'running');
    return replica ? [{ primary, replica }] : [];
  });
  return pick(context, candidates);
}

function elapsed(cluster: DevCluster, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  return cluster.waitFor(() => Date.now() >= until, { timeoutMs: ms + 5_000, intervalMs: 20, message: what });
}

const kill: SoakFault = async (context) => {
  const { cluster, confirmer } = context;
  const { primary, replica } = replicatedPrimary(context);
  confirmer.forget(primary);
  await cluster.kill(primary);
  await cluster.waitFor(
    async () => String(await cluster.adminWithTimeout(replica, 1_000, 'ROLE')).startsWith('master'),
    {
      timeoutMs: 30_000,
      intervalMs: 20,
      message: `${replica.address} to be promoted`,
    },
  );
  const repairedAt = Date.now();
  await confirmer.update();
  await cluster.restart(primary);
  await confirmer.update();
  return { repairedAt, detail: `${primary.address} killed, ${replica.address} promoted` };
};

const failover: SoakFault = async (context) => {
  const { primary, replica } = replicatedPrimary(context);
  await context.cluster.failover(replica);
  await context.confirmer.update();
  return { repairedAt: Date.now(), detail: `${primary.address} handed over to ${replica.address}` };
};

const reshard: SoakFault = async (context) => {
  const { cluster } = context;
  await cluster.refresh();
  const source = pick(
    context,
    cluster.primaries.filter((node) => node.slots.length > 0),
  );
  const target = pick(
    context,
    cluster.primaries.filter((node) => node !== source),
  );
  const [start, end] = pick(context, source.slots);
  const count = Math.min(50, end - start + 1);
  const first = start + context.random(end - start + 2 - count);
  const slots = Array.from({ length: count }, (_, i) => first + i);
  await cluster.moveSlots(slots, target, { timeoutMs: 60_000 });
  await context.confirmer.update();
  return {
    repairedAt: Date.now(),
    detail: `${count} slots ${first}-${first + count - 1} to ${target.address}`,
  };
};

const stall: SoakFault = async (context) => {
  const { cluster } = context;
  const victim = pick(context, cluster.primaries);
  await cluster.pause(victim);
  await elapsed(cluster, STALL_MS, 'the stall');
  await cluster.resume(victim);
  return { repairedAt: Date.now(), detail: `${victim.address} stopped ${STALL_MS} ms` };
};

const cut: SoakFault = async (context) => {
  let connections = 0;
  for (const proxy of context.proxies.values()) connections += proxy.cut();
  return { repairedAt: Date.now(), detail: `${connections} connections reset` };
};

function blackholing(reset: boolean): SoakFault {
  return async (context) => {
    const { cluster } = context;
    const victim = pick(context, cluster.primaries);
    const proxy = context.proxies.get(victim.address)!;
    proxy.blackhole();
    await elapsed(cluster, BLACKHOLE_MS, 'the black hole');
    if (reset) proxy.restore();
    else proxy.forwardNewConnections();
    return {
      repairedAt: Date.now(),
      detail: `${victim.address} black-holed ${BLACKHOLE_MS} ms, ${reset ? 'then reset' : 'never reset'}`,
    };
  };
}

const outage: SoakFault = async (context) => {
  const { cluster } = context;
  const nodes = [...cluster.nodes];
  await Promise.all(nodes.map((node) => cluster.stop(node)));
  await elapsed(cluster, OUTAGE_MS, 'the outage');
  await Promise.all(nodes.map((node) => cluster.restart(node)));
  await cluster.waitUntilReady();
  await context.confirmer.update();
  return { repairedAt: Date.now(), detail: `every node stopped ${OUTAGE_MS} ms` };
};

const outOfMemory: SoakFault = async (context) => {
  const { cluster } = context;
  const victim = pick(context, cluster.primaries);
  await cluster.admin(victim, 'CONFIG', 'SET', 'maxmemory', '1');
  await elapsed(cluster, OOM_MS, 'out of memory');
  await cluster.admin(victim, 'CONFIG', 'SET', 'maxmemory', '0');
  return { repairedAt: Date.now(), detail: `${victim.address} out of memory ${OOM_MS} ms` };
};

const credentials: SoakFault = async (context) => {
  await context.rotatePassword();
  const { cluster } = context;
  await Promise.all(cluster.nodes.map((node) => cluster.admin(node, 'CLIENT', 'KILL', 'USER', 'soak')));
  return { repairedAt: Date.now(), detail: 'password rotated, every connection killed' };
};

/** Every fault a soak draws, by name. */
export const SOAK_FAULTS: Readonly<Record<string, SoakFault>> = {
  kill,
  failover,
  reshard,
  stall,
  cut,
  blackhole: blackholing(true),
  'half-open': blackholing(false),
  outage,
  oom: outOfMemory,
  credentials,
};
