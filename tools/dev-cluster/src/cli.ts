// `npm run cluster -- start|stop|status` and `npm start`: a local dev cluster for the demo and for trying
// the client by hand. The library (startCluster) is what tests use.
import { parseArgs } from 'node:util';
import {
  type ClusterState,
  liveServers,
  readState,
  recordedClusterStatus,
  removeState,
  stateFilePath,
  stopRecordedCluster,
  writeState,
} from './cli-state.js';
import { type DevCluster, startCluster } from './cluster.js';

const USAGE = `Usage: npm run cluster -- <command> [options]

Commands:
  start [--primaries N] [--replicas N]   start a cluster that keeps running after this command
        [--server NAME]                  system (redis-server on PATH, the default), or redis-7.4.1,
                                         valkey-8.0.1...: built once from its tarball (see the README)
  start --foreground                     start a cluster and stop it on Ctrl-C
  stop                                   stop the recorded cluster and remove its files
  status                                 show the recorded cluster's nodes (exit code 1 if any is down)

Defaults: 3 primaries, 1 replica each. State file: ${stateFilePath()}`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      primaries: { type: 'string' },
      replicas: { type: 'string' },
      server: { type: 'string' },
      foreground: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'start':
      return start({
        primaries: parseCount(values.primaries, 3, 'primaries', 1),
        replicas: parseCount(values.replicas, 1, 'replicas', 0),
        server: values.server,
        foreground: values.foreground,
      });
    case 'stop':
      return stop();
    case 'status':
      return status();
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function start(options: {
  primaries: number;
  replicas: number;
  server: string | undefined;
  foreground: boolean;
}): Promise<number> {
  const file = stateFilePath();
  const existing = readState(file);
  if (existing && liveServers(existing).length > 0) {
    if (options.foreground) {
      console.error('A dev cluster is already running; stop it first with: npm run cluster -- stop');
      return 1;
    }
    console.log('A dev cluster is already running.');
    printSeeds(existing.seeds);
    return 0;
  }
  if (existing) await stopRecordedCluster(existing);
  removeState(file);

  const startedAt = Date.now();
  // Own process groups: a Ctrl-C in this terminal reaches only the CLI, which then stops the servers itself.
  const cluster = await startCluster({
    primaries: options.primaries,
    replicasPerPrimary: options.replicas,
    ...(options.server === undefined ? {} : { server: options.server }),
    detached: true,
  });
  const state = recordState(cluster, options.foreground ? process.pid : undefined);
  writeState(file, state);
  console.log(
    `${cluster.server.name} cluster ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${options.primaries} primaries, ${options.replicas} replica(s) each`,
  );
  for (const node of cluster.nodes) {
    console.log(`  ${node.address}  ${node.role.padEnd(7)}  pid ${node.pid}`);
  }
  printSeeds(state.seeds);

  if (!options.foreground) {
    cluster.detach();
    console.log('Stop it with: npm run cluster -- stop');
    return 0;
  }
  console.log('Press Ctrl-C to stop.');
  return new Promise<number>((resolve) => {
    // Signal listeners do not keep the event loop alive; this timer does until we stop.
    const keepAlive = setInterval(() => undefined, 60_000);
    const onSignal = async () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      clearInterval(keepAlive);
      await cluster.stop();
      removeState(file);
      console.log('Dev cluster stopped.');
      resolve(0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function stop(): Promise<number> {
  const file = stateFilePath();
  const state = readState(file);
  if (!state) {
    console.log('No dev cluster is recorded; nothing to stop.');
    return 0;
  }
  await stopRecordedCluster(state);
  removeState(file);
  console.log(`Dev cluster stopped (${state.nodes.length} nodes).`);
  return 0;
}

async function status(): Promise<number> {
  const state = readState(stateFilePath());
  if (!state) {
    console.log('No dev cluster is running. Start one with: npm run cluster -- start');
    return 1;
  }
  const nodes = await recordedClusterStatus(state);
  console.log(
    `Dev cluster${state.server ? ` (${state.server})` : ''} in ${state.dir} (started ${state.startedAt})`,
  );
  for (const node of nodes) {
    const health = node.up ? `up    pid ${node.pid}` : 'DOWN';
    console.log(`  ${node.address}  ${node.role.padEnd(7)}  ${health}  ${node.detail}`);
  }
  const states = new Set(nodes.filter((node) => node.up).map((node) => node.clusterState));
  console.log(`cluster_state: ${[...states].join('/') || 'unknown'}`);
  printSeeds(state.seeds);
  return nodes.every((node) => node.up) ? 0 : 1;
}

function recordState(cluster: DevCluster, foregroundPid: number | undefined): ClusterState {
  return {
    version: 1,
    dir: cluster.dir,
    startedAt: new Date().toISOString(),
    server: cluster.server.name,
    ...(foregroundPid === undefined ? {} : { foregroundPid }),
    nodes: cluster.nodes.map(({ id, port, pid, role }) => ({ id, port, pid, role })),
    seeds: cluster.seeds,
  };
}

function printSeeds(seeds: readonly string[]): void {
  console.log(seeds.join(','));
  console.log(`REDIS_CLUSTER_NODES=${seeds.join(',')}`);
}

function parseCount(value: string | undefined, fallback: number, name: string, minimum: number): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < minimum) {
    throw new Error(`--${name} must be an integer >= ${minimum}`);
  }
  return count;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
