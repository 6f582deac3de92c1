import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HealthReport, keyslot } from '../src/index.js';

// Its own cluster: this file kills a primary, which the other files' tests must not see.
let cluster: DevCluster;
let app: FastifyInstance;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  app = Fastify();
  await app.register(keyslot, {
    nodes: cluster.seeds,
    healthRoute: '/health/redis',
    healthTimeoutMs: 1_000,
  });
  app.get<{ Params: { key: string } }>('/keys/:key', (req) => app.redis.get(req.params.key));
});
afterAll(async () => {
  await app?.close();
  await cluster?.stop();
});

async function health(): Promise<{ statusCode: number; body: HealthReport }> {
  const res = await app.inject({ method: 'GET', url: '/health/redis' });
  return { statusCode: res.statusCode, body: res.json() };
}

it('reports down while a primary is dead and up again once its replica took over', async () => {
  expect(await health()).toMatchObject({ statusCode: 200, body: { status: 'up' } });
  // The victim is the primary of a key written now and read through a route after the failover.
  const key = 'failover:{a}';
  await app.redis.set(key, 'survives');
  const slot = Number(await cluster.admin(cluster.primaries[0]!, 'CLUSTER', 'KEYSLOT', key));
  const victim = cluster.ownerOf(slot)!;
  const [replica] = cluster.replicasOf(victim);

  await cluster.kill(victim);
  let down: HealthReport | undefined;
  await cluster.waitFor(
    async () => {
      const { statusCode, body } = await health();
      if (statusCode === 503) down = body;
      return statusCode === 503;
    },
    { timeoutMs: 10_000, message: 'the health route to report the dead primary' },
  );
  expect(down).toMatchObject({ status: 'down' });
  expect(down?.reason).toContain(`primary ${victim.address}`);

  await cluster.waitFor(
    async () => {
      await cluster.refresh();
      return cluster.nodes.find((node) => node.port === replica!.port)?.role === 'primary';
    },
    { timeoutMs: 30_000, message: `${replica!.address} to be promoted after its primary died` },
  );
  let up: HealthReport | undefined;
  await cluster.waitFor(
    async () => {
      const { statusCode, body } = await health();
      if (statusCode === 200) up = body;
      return statusCode === 200;
    },
    { timeoutMs: 30_000, message: 'the health route to report the cluster up after the failover' },
  );
  expect(up?.coveredSlots).toBe(16_384);
  expect(Object.keys(up?.primaries ?? {})).toContain(replica!.address);
  expect(Object.keys(up?.primaries ?? {})).not.toContain(victim.address);
});

it('keeps serving routes through the same connection after the failover', async () => {
  const res = await app.inject({ method: 'GET', url: '/keys/failover:{a}' });
  expect(res.statusCode).toBe(200);
  expect(res.body).toBe('survives');
});
