/**
 * `npm start`: runs the demo. With REDIS_CLUSTER_NODES unset it first starts an embedded local 3+3 cluster with
 * tools/dev-cluster (`--server valkey-8.0.1` picks another server than Debian's redis-server); `npm start --
 * --fastify` serves the plain Fastify flavour instead of NestJS. Ctrl-C stops the server, then the cluster.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCluster } from '@keyslot/dev-cluster';
import { nodesFromEnv } from '../demo-options.js';

const serverEntry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const { serverChoice, forwarded } = splitServerOption(process.argv.slice(2));
const given = nodesFromEnv();
let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
if (given) {
  if (serverChoice !== undefined)
    throw new Error('--server starts an embedded cluster: unset REDIS_CLUSTER_NODES');
  console.log(`using the cluster at ${given.join(',')}`);
} else {
  console.log('starting an embedded local cluster (3 primaries, 3 replicas)…');
  cluster = await startCluster({
    primaries: 3,
    replicasPerPrimary: 1,
    ...(serverChoice === undefined ? {} : { server: serverChoice }),
  });
  console.log(`${cluster.server.name} cluster ready: REDIS_CLUSTER_NODES=${cluster.seeds.join(',')}`);
}
const nodes = given ?? cluster!.seeds;

const server = spawn(process.execPath, [serverEntry, ...forwarded], {
  stdio: 'inherit',
  env: { ...process.env, REDIS_CLUSTER_NODES: nodes.join(',') },
});

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  if (cluster) {
    console.log('stopping the embedded cluster…');
    await cluster.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
server.on('exit', (code) => void shutdown(code ?? 0));

/** `--server NAME` (or `--server=NAME`) is the embedded cluster's; everything else goes to the demo server. */
function splitServerOption(args: readonly string[]): {
  serverChoice: string | undefined;
  forwarded: string[];
} {
  let serverChoice: string | undefined;
  const forwarded: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--server') {
      serverChoice = args[++i];
      if (serverChoice === undefined)
        throw new Error('--server needs a name: system, redis-7.4.1, valkey-8.0.1...');
    } else if (arg.startsWith('--server=')) serverChoice = arg.slice('--server='.length);
    else forwarded.push(arg);
  }
  return { serverChoice, forwarded };
}
