// A Redis Cluster of real redis-server processes on loopback, and the fault operations tests need.
import { rmSync } from 'node:fs';
import { ClusterNode, type DevClusterNode } from './cluster-node.js';
import {
  type ClusterMember,
  inspectMembers,
  notAcquaintedReason,
  notReadyReason,
  notRejoinedReason,
} from './cluster-readiness.js';
import { type ClusterNodeLine, parseClusterNodes } from './cluster-topology.js';
import { LOOPBACK_HOST } from './free-port.js';
import { type LifecycleOptions, ManagedRun, type ServerOptions } from './managed-run.js';
import { launchNode, startProcess, waitUntilAnswering } from './node-launcher.js';
import { readProcStat } from './processes.js';
import { clusterConfigLines, renderConfig, toConfigLines } from './redis-config.js';
import type { RespArg, RespEndpoint, RespReply } from './resp-connection.js';
import type { ServerBinary } from './servers.js';
import { moveSlotsBetweenPrimaries, type SendCommand } from './slot-migration.js';
import { rangesContain, SLOT_COUNT, spreadSlots, subtractRanges } from './slot-ranges.js';
import { type TlsFiles, type TlsMaterial, tlsMaterialFor } from './tls-files.js';
import { type WaitForOptions, waitFor } from './wait-for.js';

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Options of {@link startCluster}. */
export interface StartClusterOptions extends LifecycleOptions, ServerOptions {
  /** Number of primaries; the 16384 slots are spread evenly over them. Default 3. */
  primaries?: number;
  /** Replicas of each primary. Default 1. */
  replicasPerPrimary?: number;
  /** `cluster-node-timeout`: how soon a silent node is failed over. Default 2000 ms. */
  nodeTimeoutMs?: number;
  /** Extra redis.conf lines for every node, applied last (e.g. `cluster-require-full-coverage no`). */
  extraConfig?: string | readonly string[];
  /** TLS-only cluster (client, bus and replication links): `true` makes throwaway certificates. */
  tls?: boolean | TlsFiles;
  /** Sets `requirepass` and `masterauth` on every node; the admin connections authenticate with it. */
  password?: string;
  /** How long start-up may take until the cluster is ready. Default 30 s. */
  readyTimeoutMs?: number;
}

/** Options of the operations that wait for the cluster to settle. */
export interface SettleOptions {
  /** Default 30 s. */
  timeoutMs?: number;
}

/** Options of {@link DevCluster.failover}. */
export interface FailoverOptions extends SettleOptions {
  /** CLUSTER FAILOVER FORCE: do not wait for the primary (use when it is down). */
  force?: boolean;
  /** CLUSTER FAILOVER TAKEOVER: no election at all. */
  takeover?: boolean;
}

interface ClusterSettings {
  nodeTimeoutMs: number;
  extraConfig: string[];
  tls: TlsMaterial | undefined;
  password: string | undefined;
}

/**
 * A running dev cluster. Start one with {@link startCluster}; always `stop()` it (in `afterAll`/`finally`).
 * Operations that change the topology wait until the cluster has settled and then refresh `nodes`.
 */
export class DevCluster {
  private readonly members: ClusterNode[] = [];

  private constructor(
    private readonly run: ManagedRun,
    private readonly settings: ClusterSettings,
  ) {}

  /** @internal Use {@link startCluster}. */
  static async start(options: StartClusterOptions = {}): Promise<DevCluster> {
    const primaries = options.primaries ?? 3;
    const replicasPerPrimary = options.replicasPerPrimary ?? 1;
    if (!Number.isInteger(primaries) || primaries < 1) {
      throw new Error('primaries must be a positive integer');
    }
    if (!Number.isInteger(replicasPerPrimary) || replicasPerPrimary < 0) {
      throw new Error('replicasPerPrimary must be a non-negative integer');
    }
    const run = await ManagedRun.create({ ...options, tls: Boolean(options.tls) });
    try {
      const tls = await tlsMaterialFor(options.tls, run.dir);
      const cluster = new DevCluster(run, {
        nodeTimeoutMs: options.nodeTimeoutMs ?? 2_000,
        extraConfig: toConfigLines(options.extraConfig),
        tls,
        password: options.password,
      });
      await cluster.form(primaries, replicasPerPrimary, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
      return cluster;
    } catch (error) {
      await run.stop();
      throw error;
    }
  }

  /** The server binary its nodes run: name (`valkey-8.0.1`), family, version, path. */
  get server(): ServerBinary {
    return this.run.server;
  }

  /** The run folder under os.tmpdir(); one sub-folder per node, named after its port. */
  get dir(): string {
    return this.run.dir;
  }

  /** Every node, in start order (nodes added later come last; removed nodes are dropped). */
  get nodes(): readonly DevClusterNode[] {
    return [...this.members];
  }

  /** Current primaries (as of the last refresh). */
  get primaries(): readonly DevClusterNode[] {
    return this.members.filter((node) => node.role === 'primary');
  }

  /** Current replicas (as of the last refresh). */
  get replicas(): readonly DevClusterNode[] {
    return this.members.filter((node) => node.role === 'replica');
  }

  /** `127.0.0.1:port` of every node: the seed list the client accepts. */
  get seeds(): string[] {
    return this.members.map((node) => node.address);
  }

  /** Certificates of a TLS cluster (`ca` is what clients trust). */
  get tls(): TlsMaterial | undefined {
    return this.settings.tls;
  }

  /** The `requirepass` of every node, when set. */
  get password(): string | undefined {
    return this.settings.password;
  }

  /** The replicas of a primary (as of the last refresh). */
  replicasOf(primary: DevClusterNode): readonly DevClusterNode[] {
    return this.members.filter((node) => node.role === 'replica' && node.primaryId === primary.id);
  }

  /** The primary serving `slot` (as of the last refresh). */
  ownerOf(slot: number): DevClusterNode | undefined {
    return this.members.find((node) => node.role === 'primary' && rangesContain(node.slots, slot));
  }

  /** Re-reads roles and slots from the running nodes (each node is the authority on itself). */
  async refresh(): Promise<readonly DevClusterNode[]> {
    const views = await Promise.all(
      this.runningMembers().map(async (node) => {
        try {
          return parseClusterNodes(String(await this.command(node, ['CLUSTER', 'NODES'], 2_000)));
        } catch {
          return [];
        }
      }),
    );
    const selfViews = new Map<string, ClusterNodeLine>();
    const otherViews = new Map<string, ClusterNodeLine>();
    for (const line of views.flat()) {
      if (line.myself) selfViews.set(line.id, line);
      else if (!otherViews.has(line.id)) otherViews.set(line.id, line);
    }
    // A node that is down has no view of itself, and the others' views of it may lag a failover: the slots a
    // running node claims for itself are not the down node's any more.
    const claimed = [...selfViews.values()].flatMap((line) => line.slots);
    for (const node of this.members) {
      const self = selfViews.get(node.id);
      const line = self ?? otherViews.get(node.id);
      if (!line) continue;
      node.role = line.role;
      node.primaryId = line.role === 'replica' ? line.primaryId : undefined;
      node.slots = self ? line.slots : subtractRanges(line.slots, claimed);
    }
    return this.nodes;
  }

  /**
   * Waits until the running nodes agree: cluster_state:ok everywhere, every node known, the same roles and
   * slots in every view, replica links up, and every replica listed in CLUSTER SLOTS. Then refreshes.
   */
  async waitUntilReady({ timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {}): Promise<void> {
    await this.waitForReports(notReadyReason, timeoutMs, 'the cluster to be ready');
    await this.refresh();
  }

  /** SIGKILLs the node and waits until the process is gone. The cluster notices after the node timeout. */
  async kill(node: DevClusterNode): Promise<void> {
    const member = this.member(node);
    member.paused = false;
    await member.process.kill();
    this.run.admin.drop(member);
  }

  /** SIGSTOPs the node: its connections stay open but it answers nothing until `resume()`. */
  async pause(node: DevClusterNode): Promise<void> {
    const member = this.member(node);
    if (member.state !== 'running') throw new Error(`${member.address} is ${member.state}, cannot pause it`);
    member.process.signal('SIGSTOP');
    member.paused = true;
    this.run.admin.drop(member);
    await waitFor(() => readProcStat(member.pid)?.state === 'T', {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: `${member.address} to be stopped by SIGSTOP`,
    });
  }

  /** SIGCONTs a paused node and waits until it answers again. */
  async resume(node: DevClusterNode): Promise<void> {
    const member = this.member(node);
    if (!member.paused) return;
    member.process.signal('SIGCONT');
    member.paused = false;
    await waitUntilAnswering(member.process, this.endpoint(member.port), this.run.admin, 10_000);
  }

  /** Stops the whole cluster: kills its processes and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops one node gracefully (SHUTDOWN NOSAVE NOW, then SIGTERM) and waits until it exited. */
  stop(node: DevClusterNode): Promise<void>;
  async stop(node?: DevClusterNode): Promise<void> {
    if (node === undefined) {
      await this.run.stop();
      return;
    }
    await this.shutdown(this.member(node));
  }

  /**
   * Starts a killed or stopped node again on the same port with the same nodes.conf (a running node is
   * stopped first), and waits until it has rejoined: it and every running node see each other as healthy and,
   * for a replica, the replication link is up. When every node runs, also waits until the cluster is ready.
   */
  async restart(
    node: DevClusterNode,
    { timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {},
  ): Promise<void> {
    const member = this.member(node);
    if (member.process.running) await this.shutdown(member);
    const endpoint = this.endpoint(member.port);
    member.process = await startProcess(
      {
        binary: this.run.binary,
        dir: member.dir,
        configFile: member.configFile,
        detached: this.run.detached,
      },
      endpoint,
      this.run.admin,
    );
    this.run.track(member.process);
    await this.waitForReports(
      (_members, reports) => notRejoinedReason(this.toMember(member), reports),
      timeoutMs,
      `${member.address} to rejoin the cluster`,
    );
    await this.settle(timeoutMs);
  }

  /**
   * Sends CLUSTER FAILOVER (FORCE/TAKEOVER) to a replica, waits until it reports itself primary and the
   * cluster is ready again (the others agree), then refreshes.
   */
  async failover(
    replica: DevClusterNode,
    { force, takeover, timeoutMs = DEFAULT_READY_TIMEOUT_MS }: FailoverOptions = {},
  ) {
    const member = this.member(replica);
    const args = ['CLUSTER', 'FAILOVER'];
    if (takeover) args.push('TAKEOVER');
    else if (force) args.push('FORCE');
    await this.command(member, args);
    await waitFor(async () => (await this.selfView(member))?.role === 'primary', {
      timeoutMs,
      message: `${member.address} to become a primary after ${args.join(' ')}`,
    });
    await this.waitUntilReady({ timeoutMs });
  }

  /**
   * Moves slots (and their keys) to the primary `to`: SETSLOT IMPORTING on the target and MIGRATING on the
   * source, MIGRATE the keys in batches until the slot is empty, then SETSLOT NODE on every running primary
   * (target first, then the sources, then the others). Waits until every running node agrees on the new owner.
   */
  async moveSlots(
    slots: readonly number[],
    to: DevClusterNode,
    { timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {},
  ) {
    const target = this.member(to);
    await this.refresh();
    if (target.role !== 'primary') {
      throw new Error(`${target.address} is a replica; slots can only move to a primary`);
    }
    const bySource = new Map<ClusterNode, number[]>();
    for (const slot of new Set(slots)) {
      if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new Error(`Invalid slot ${slot}`);
      const source = this.members.find((node) => node.role === 'primary' && rangesContain(node.slots, slot));
      if (!source) throw new Error(`Slot ${slot} has no owner`);
      if (source === target) continue;
      if (source.state !== 'running') {
        throw new Error(`Slot ${slot} is served by ${source.address}, which is ${source.state}`);
      }
      bySource.set(source, [...(bySource.get(source) ?? []), slot]);
    }
    const moving = [...bySource.values()].flat();
    if (moving.length === 0) return;
    const bystanders = this.runningMembers().filter(
      (node) => node.role === 'primary' && node !== target && !bySource.has(node),
    );
    const send: SendCommand = (node, args, raw) =>
      this.run.admin.command(this.endpoint(node.port), args, { raw: raw ?? false });
    await moveSlotsBetweenPrimaries(send, { target, bySource, bystanders, password: this.settings.password });
    await waitFor(
      async () => {
        for (const node of this.runningMembers()) {
          const lines = parseClusterNodes(String(await this.command(node, ['CLUSTER', 'NODES'], 2_000)));
          const targetLine = lines.find((line) => line.id === target.id);
          if (!targetLine || moving.some((slot) => !rangesContain(targetLine.slots, slot))) return false;
        }
        return true;
      },
      { timeoutMs, message: `every node to agree that ${target.address} serves the moved slots` },
    );
    await this.refresh();
  }

  /**
   * Starts a new empty node and introduces it with CLUSTER MEET; waits until every node knows it (and the
   * cluster is ready, when every node runs). Returns it as a primary without slots: move slots to it next.
   */
  async addPrimary({ timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {}): Promise<DevClusterNode> {
    const introducer = this.runningMembers()[0];
    if (!introducer) throw new Error('No running node can introduce a new node');
    const [node] = await this.launchAll(1);
    if (!node) throw new Error('Could not start a new node');
    this.members.push(node);
    await this.command(introducer, ['CLUSTER', 'MEET', LOOPBACK_HOST, node.port]);
    await this.waitForReports(notAcquaintedReason, timeoutMs, `every node to know ${node.address}`);
    await this.settle(timeoutMs);
    return node;
  }

  /** Starts a new node and makes it a replica of `primary`; waits until the cluster is ready. */
  async addReplica(
    primary: DevClusterNode,
    { timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {},
  ): Promise<DevClusterNode> {
    const primaryMember = this.member(primary);
    const node = this.member(await this.addPrimary({ timeoutMs }));
    await this.command(node, ['CLUSTER', 'REPLICATE', primaryMember.id]);
    await this.settle(timeoutMs);
    return node;
  }

  /**
   * Removes a replica (or a primary without slots and replicas): CLUSTER FORGET on every other running node,
   * then stops it and deletes its folder; waits until no running node knows it any more.
   */
  async removeNode(node: DevClusterNode, { timeoutMs = DEFAULT_READY_TIMEOUT_MS }: SettleOptions = {}) {
    const member = this.member(node);
    await this.refresh();
    if (member.role === 'primary' && (member.slots.length > 0 || this.replicasOf(member).length > 0)) {
      throw new Error(
        `${member.address} is a primary with slots or replicas; move them away before removing it`,
      );
    }
    const others = this.runningMembers().filter((other) => other !== member);
    await Promise.all(others.map((other) => this.command(other, ['CLUSTER', 'FORGET', member.id])));
    await this.shutdown(member);
    this.members.splice(this.members.indexOf(member), 1);
    rmSync(member.dir, { recursive: true, force: true });
    await this.waitForReports(notAcquaintedReason, timeoutMs, `every node to forget ${member.address}`);
    await this.refresh();
  }

  /** Polls `condition` until it holds; throws with `message` when `timeoutMs` passes. */
  waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
    return waitFor(condition, options);
  }

  /** Sends a raw command to one node (5 s timeout) and returns its reply; error replies reject. */
  admin(node: DevClusterNode, ...args: RespArg[]): Promise<RespReply> {
    return this.command(this.member(node), args);
  }

  /** Like `admin`, with a custom timeout (a command to a paused node rejects once it passes). */
  adminWithTimeout(node: DevClusterNode, timeoutMs: number, ...args: RespArg[]): Promise<RespReply> {
    return this.command(this.member(node), args, timeoutMs);
  }

  /**
   * Leaves the servers running after this process ends (the CLI's `start`): drops the exit hooks and admin
   * connections, and marks the folder as owned by the CLI state file. The handle is unusable afterwards.
   */
  detach(): void {
    this.run.detach();
  }

  private async form(primaryCount: number, replicasPerPrimary: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const nodes = await this.launchAll(primaryCount * (1 + replicasPerPrimary));
    this.members.push(...nodes);
    const primaries = nodes.slice(0, primaryCount);
    const replicas = nodes.slice(primaryCount);
    // Distinct config epochs up front (as redis-cli does), so the nodes skip the epoch collision round.
    await Promise.all(nodes.map((node, i) => this.command(node, ['CLUSTER', 'SET-CONFIG-EPOCH', i + 1])));
    await Promise.all(
      spreadSlots(primaryCount).map(([start, end], i) =>
        this.command(primaries[i]!, ['CLUSTER', 'ADDSLOTSRANGE', start, end]),
      ),
    );
    // Every pair meets directly: waiting for gossip to spread the introductions costs about a second.
    await Promise.all(
      nodes.flatMap((node, i) =>
        nodes.slice(i + 1).map((other) => this.command(node, ['CLUSTER', 'MEET', LOOPBACK_HOST, other.port])),
      ),
    );
    // CLUSTER REPLICATE needs the replica to know its primary already.
    await this.waitForReports(
      notAcquaintedReason,
      deadline - Date.now(),
      'every node to know every other node',
    );
    await Promise.all(
      replicas.map((replica, i) =>
        this.command(replica, ['CLUSTER', 'REPLICATE', primaries[i % primaryCount]!.id]),
      ),
    );
    await this.waitUntilReady({ timeoutMs: Math.max(0, deadline - Date.now()) });
  }

  // Starts nodes in parallel; waits for all attempts so none is left untracked when one fails.
  private async launchAll(count: number): Promise<ClusterNode[]> {
    const { nodeTimeoutMs, extraConfig, tls, password } = this.settings;
    const results = await Promise.allSettled(
      Array.from({ length: count }, async () => {
        const launched = await launchNode(
          {
            runDir: this.run.dir,
            binary: this.run.binary,
            detached: this.run.detached,
            clusterBus: true,
            render: (port, dir) =>
              renderConfig(
                clusterConfigLines({
                  port: tls ? 0 : port,
                  tlsPort: tls ? port : undefined,
                  dir,
                  tls,
                  password,
                  nodeTimeoutMs,
                }),
                extraConfig,
              ),
            endpoint: (port) => this.endpoint(port),
          },
          this.run.admin,
        );
        this.run.track(launched.process);
        const node = new ClusterNode(launched.port, launched.dir, launched.configFile, launched.process);
        node.id = String(await this.command(node, ['CLUSTER', 'MYID']));
        return node;
      }),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return results.map((result) => (result as PromiseFulfilledResult<ClusterNode>).value);
  }

  // Waits for full readiness when every node runs; otherwise only refreshes: with a node down, the cluster
  // may stay failed until the test brings it back.
  private async settle(timeoutMs: number): Promise<void> {
    if (this.members.every((node) => node.state === 'running')) await this.waitUntilReady({ timeoutMs });
    else await this.refresh();
  }

  private async shutdown(member: ClusterNode): Promise<void> {
    if (!member.process.running) return;
    if (member.paused) {
      member.process.signal('SIGCONT');
      member.paused = false;
    }
    try {
      await this.command(member, ['SHUTDOWN', 'NOSAVE', 'NOW'], 2_000);
    } catch {
      // The connection closes as the server exits; a failed SHUTDOWN falls back to signals below.
    }
    if (!(await member.process.waitForExit(STOP_TIMEOUT_MS))) {
      member.process.signal('SIGTERM');
      if (!(await member.process.waitForExit(STOP_TIMEOUT_MS))) await member.process.kill();
    }
    this.run.admin.drop(member);
  }

  private async selfView(member: ClusterNode): Promise<ClusterNodeLine | undefined> {
    const lines = parseClusterNodes(String(await this.command(member, ['CLUSTER', 'NODES'], 2_000)));
    return lines.find((line) => line.myself);
  }

  private async waitForReports(
    check: (
      members: ClusterMember[],
      reports: Awaited<ReturnType<typeof inspectMembers>>,
    ) => string | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    let reason = 'no answer yet';
    await waitFor(
      async () => {
        const members = this.members.map((node) => this.toMember(node));
        const found = check(members, await inspectMembers(members, this.run.admin));
        reason = found ?? '';
        return found === undefined;
      },
      { timeoutMs: Math.max(0, timeoutMs), message: () => `${what}: ${reason}` },
    );
  }

  private toMember(node: ClusterNode): ClusterMember {
    return {
      id: node.id,
      port: node.port,
      address: node.address,
      endpoint: this.endpoint(node.port),
      up: node.state === 'running',
    };
  }

  private runningMembers(): ClusterNode[] {
    return this.members.filter((node) => node.state === 'running');
  }

  private member(node: DevClusterNode): ClusterNode {
    const member = this.members.find((candidate) => candidate.port === node.port);
    if (!member) throw new Error(`${node.address} is not a node of this cluster`);
    return member;
  }

  private command(node: ClusterNode, args: readonly RespArg[], timeoutMs?: number): Promise<RespReply> {
    return this.run.admin.command(this.endpoint(node.port), args, { timeoutMs });
  }

  private endpoint(port: number): RespEndpoint {
    const { tls, password } = this.settings;
    return {
      host: LOOPBACK_HOST,
      port,
      tls: tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : undefined,
      auth: password === undefined ? undefined : { password },
    };
  }
}

/**
 * Starts a Redis Cluster of `primaries` primaries with `replicasPerPrimary` replicas each on free loopback
 * ports, and resolves once it is really ready (see {@link DevCluster.waitUntilReady}).
 *
 * @example
 * const cluster = await startCluster();
 * try {
 *   const client = createClient({ nodes: cluster.seeds });
 * } finally {
 *   await cluster.stop();
 * }
 */
export function startCluster(options: StartClusterOptions = {}): Promise<DevCluster> {
  return DevCluster.start(options);
}
