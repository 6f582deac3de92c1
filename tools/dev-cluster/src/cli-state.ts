// The CLI's record of the cluster it started, so `stop` and `status` work from another process.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminClient } from './admin-client.js';
import { parseClusterNodes, parseInfo } from './cluster-topology.js';
import { LOOPBACK_HOST } from './free-port.js';
import { readRecordedServers } from './leftovers.js';
import { isOurRedisServer, isProcessAlive, signalProcess, waitForProcessExit } from './processes.js';
import { formatRanges } from './slot-ranges.js';

/** What the CLI records about a cluster it started. */
export interface ClusterState {
  version: 1;
  /** Run folder under os.tmpdir(). */
  dir: string;
  startedAt: string;
  /** The server it runs (`redis-7.0.15`, `valkey-8.0.1`); absent in files written before servers were chosen. */
  server?: string;
  /** Pid of `start --foreground`, which stops the cluster itself; absent for a detached cluster. */
  foregroundPid?: number;
  nodes: { id: string; port: number; pid: number; role: string }[];
  seeds: string[];
}

/** How one recorded node is doing right now. */
export interface NodeStatus {
  address: string;
  pid: number | undefined;
  up: boolean;
  role: string;
  detail: string;
  clusterState: string | undefined;
}

/** `KEYSLOT_DEV_CLUSTER_STATE`, or `<repo root>/.keyslot/dev-cluster.json` (git-ignored). */
export function stateFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KEYSLOT_DEV_CLUSTER_STATE) return path.resolve(env.KEYSLOT_DEV_CLUSTER_STATE);
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return path.join(repoRoot, '.keyslot', 'dev-cluster.json');
}

export function readState(file: string): ClusterState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
    return state.version === 1 && typeof state.dir === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(file: string, state: ClusterState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}

/** The recorded servers that still run: pids from the node folders (current after restarts) or the state. */
export function liveServers(state: ClusterState): { pid: number; port: number }[] {
  const recorded = readRecordedServers(state.dir);
  const candidates = recorded.length > 0 ? recorded : state.nodes;
  return candidates.filter((server) => isOurRedisServer(server.pid, { port: server.port, dir: state.dir }));
}

/**
 * Stops a recorded cluster: asks a foreground CLI to stop it, SIGTERMs the servers that are still ours
 * (SIGKILL after 5 s), and removes the run folder.
 */
export async function stopRecordedCluster(state: ClusterState): Promise<void> {
  const foreground = state.foregroundPid;
  if (foreground !== undefined && foreground !== process.pid && isProcessAlive(foreground)) {
    signalProcess(foreground, 'SIGTERM');
    await waitForProcessExit(foreground, 10_000);
  }
  const servers = liveServers(state);
  for (const server of servers) signalProcess(server.pid, 'SIGTERM');
  await Promise.all(
    servers.map(async (server) => {
      if (!(await waitForProcessExit(server.pid, 5_000))) {
        signalProcess(server.pid, 'SIGKILL');
        await waitForProcessExit(server.pid, 5_000);
      }
    }),
  );
  rmSync(state.dir, { recursive: true, force: true });
}

/** Asks every recorded node for its role and the cluster state. */
export async function recordedClusterStatus(state: ClusterState): Promise<NodeStatus[]> {
  const live = new Map(liveServers(state).map((server) => [server.port, server.pid]));
  const admin = new AdminClient();
  try {
    return await Promise.all(
      state.nodes.map(async (node): Promise<NodeStatus> => {
        const address = `${LOOPBACK_HOST}:${node.port}`;
        const pid = live.get(node.port);
        const down = { address, pid, up: false, role: node.role, detail: '', clusterState: undefined };
        if (pid === undefined) return down;
        try {
          const endpoint = { host: LOOPBACK_HOST, port: node.port };
          const [nodes, info] = await Promise.all([
            admin.command(endpoint, ['CLUSTER', 'NODES'], { timeoutMs: 1_000 }),
            admin.command(endpoint, ['CLUSTER', 'INFO'], { timeoutMs: 1_000 }),
          ]);
          const lines = parseClusterNodes(String(nodes));
          const self = lines.find((line) => line.myself);
          const primary = lines.find((line) => line.id === self?.primaryId);
          const detail =
            self?.role === 'replica'
              ? `of ${primary ? `${primary.host}:${primary.port}` : self.primaryId}`
              : `slots ${formatRanges(self?.slots ?? []) || 'none'}`;
          const clusterState = parseInfo(String(info)).cluster_state;
          return { address, pid, up: true, role: self?.role ?? node.role, detail, clusterState };
        } catch {
          return { ...down, detail: 'not answering' };
        }
      }),
    );
  } finally {
    admin.closeAll();
  }
}
