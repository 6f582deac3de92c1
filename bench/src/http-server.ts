/**
 * The demo's link-resolve route in a process of its own: GET /links/:code answers through the demo's own
 * `DemoApi.resolveLink` and `sendResult` (apps/demo), exactly the line the demo's Fastify app serves: it reads the
 * link, counts the click (INCR on the link's counter, ZINCRBY on the leaderboard) and redirects (302), or answers
 * 404. Only the client behind it changes. Started by http.ts through `fork` with a JSON task; it reports `ready`
 * with its port, measures its own CPU between the parent's `start` and `stop` messages, then closes.
 */
import type { ClusterConnection } from '@keyslot/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { DemoApi } from '../../apps/demo/src/http/demo-api.js';
import { sendResult } from '../../apps/demo/src/http/send-result.js';
import type { ClusterAddresses } from './clients/driver.js';
import { hostPort } from './clients/driver.js';
import type { ServerName } from './names.js';
import { within } from './time.js';

export interface ServerTask {
  server: ServerName;
  cluster: ClusterAddresses;
}

interface ServedApp {
  app: FastifyInstance;
  api: DemoApi;
  integration: string;
}

/** keyslot's ClusterConnection on the app through the `@keyslot/fastify` plugin (`app.redis`), as the demo does. */
async function keyslotApp(task: ServerTask): Promise<ServedApp> {
  const { default: keyslot } = await import('@keyslot/fastify');
  const app = Fastify({ logger: false });
  await app.register(keyslot, { nodes: task.cluster.seeds });
  return { app, api: new DemoApi(app.redis), integration: '`@keyslot/fastify` plugin' };
}

/**
 * @fastify/redis 7 with an ioredis 6 Cluster passed in as `client` (closed with the app). The demo's resolve path
 * makes three calls, GET, INCR and ZINCRBY, which ioredis offers under the same names; the route checks before the
 * load that a found link redirects, so a call this stand-in lacked would stop the run, not skew it.
 */
async function fastifyRedisApp(task: ServerTask, autoPipelining: boolean): Promise<ServedApp> {
  const { Cluster } = await import('ioredis');
  const { default: fastifyRedis } = await import('@fastify/redis');
  const client = new Cluster(task.cluster.primaries.map(hostPort), {
    enableAutoPipelining: autoPipelining,
    redisOptions: { protocol: 3 },
  });
  const app = Fastify({ logger: false });
  // biome-ignore lint/suspicious/noExplicitAny: @fastify/redis types its client as an ioredis 5 Redis.
  await app.register(fastifyRedis, { client: client as any, closeClient: true });
  const links = {
    get: (key: string) => client.get(key),
    incr: (key: string) => client.incr(key),
    zincrby: (key: string, by: number, member: string) => client.zincrby(key, by, member),
  };
  return {
    app,
    api: new DemoApi(links as unknown as ClusterConnection),
    integration: '`@fastify/redis` with an ioredis Cluster as `client`',
  };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as ServerTask;
  const { app, api, integration } =
    task.server === 'keyslot'
      ? await keyslotApp(task)
      : await fastifyRedisApp(task, task.server === 'fastify-redis-autopipe');
  app.get<{ Params: { code: string } }>('/links/:code', async (request, reply) =>
    sendResult(reply, await api.resolveLink(request.params.code)),
  );
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
