/**
 * The link-resolve app of the HTTP benchmark, in a process of its own: GET /links/:code reads `link:<code>` from
 * the cluster and answers `{ url }`, or 404 when the link does not exist. Started by http.ts through `fork` with a
 * JSON task; it reports `ready` with its port, measures its own CPU between the parent's `start` and `stop`
 * messages, then closes.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ClusterAddresses } from './clients/driver.js';
import { hostPort } from './clients/driver.js';
import type { ServerName } from './names.js';
import { within } from './time.js';

export interface ServerTask {
  server: ServerName;
  cluster: ClusterAddresses;
  prefix: string;
}

/** What the route needs from whichever client backs it. */
interface LinkStore {
  get(key: string): Promise<string | null>;
}

/**
 * keyslot's ClusterConnection on the app: through the `@keyslot/fastify` plugin (`app.redis`) when it loads and
 * registers, otherwise decorated by hand (a plain decorate + onClose), so the benchmark does not depend on a plugin
 * that is still being written. Which one ran is reported.
 */
async function keyslotApp(
  task: ServerTask,
): Promise<{ app: FastifyInstance; store: LinkStore; integration: string }> {
  try {
    const { keyslot } = await import('@keyslot/fastify');
    const app = Fastify({ logger: false });
    // biome-ignore lint/suspicious/noExplicitAny: the plugin is typed against the workspace's copy of fastify.
    await app.register(keyslot as any, { nodes: task.cluster.seeds });
    const store = (app as unknown as { redis?: LinkStore }).redis;
    if (store === undefined) throw new Error('@keyslot/fastify did not decorate app.redis');
    return { app, store, integration: '@keyslot/fastify plugin' };
  } catch (error) {
    console.error(`http-server: @keyslot/fastify unusable (${(error as Error).message}); decorating by hand`);
  }
  const { ClusterClient } = await import('@keyslot/client');
  const connection = await new ClusterClient(task.cluster.seeds).getConnection();
  const app = Fastify({ logger: false });
  app.decorate('keyslot', connection);
  app.addHook('onClose', async () => {
    await connection.close();
  });
  return { app, store: connection, integration: 'ClusterConnection decorated by hand' };
}

/** @fastify/redis 7 with an ioredis 6 Cluster passed in as `client` (closed with the app). */
async function fastifyRedisApp(
  task: ServerTask,
  autoPipelining: boolean,
): Promise<{ app: FastifyInstance; store: LinkStore; integration: string }> {
  const { Cluster } = await import('ioredis');
  const { default: fastifyRedis } = await import('@fastify/redis');
  const client = new Cluster(task.cluster.primaries.map(hostPort), {
    enableAutoPipelining: autoPipelining,
    redisOptions: { protocol: 3 },
  });
  const app = Fastify({ logger: false });
  // biome-ignore lint/suspicious/noExplicitAny: @fastify/redis types its client as an ioredis 5 Redis.
  await app.register(fastifyRedis, { client: client as any, closeClient: true });
  return { app, store: client, integration: '@fastify/redis with an ioredis Cluster as client' };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as ServerTask;
  const { app, store, integration } =
    task.server === 'keyslot'
      ? await keyslotApp(task)
      : await fastifyRedisApp(task, task.server === 'fastify-redis-autopipe');
  const prefix = task.prefix;
  app.get<{ Params: { code: string } }>('/links/:code', async (request, reply) => {
    const url = await store.get(`${prefix}${request.params.code}`);
    if (url === null) {
      reply.code(404);
      return { error: 'no such link' };
    }
    return { url };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let cpu0 = process.cpuUsage();
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'start') {
      cpu0 = process.cpuUsage();
    } else if (message.type === 'stop') {
      const cpu = process.cpuUsage(cpu0);
      process.send?.({
        type: 'stats',
        cpuUs: cpu.user + cpu.system,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      });
      await within(app.close(), 3_000);
      process.disconnect?.();
    }
  });
  process.send?.({ type: 'ready', port, integration });
}

main().catch((error: unknown) => {
  process.send?.({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
  process.disconnect?.();
});
