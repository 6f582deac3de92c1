// ClusterHealthIndicator through @nestjs/terminus: it uses the shared connection, goes down while a primary is
// dead, and comes back up once a replica has taken over.

import { type DevCluster, type DevClusterNode, findFreePort, startCluster } from '@keyslot/dev-cluster';
import { KeyslotModule } from '@keyslot/nestjs';
import { ClusterHealthIndicator } from '@keyslot/nestjs/health';
import { Controller, Get, Module } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastifyApp } from './support/fastify-app.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: ClusterHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.redis.isHealthy('redis', { timeoutMs: 500 })]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ClusterHealthIndicator],
})
class HealthModule {}

interface HealthBody {
  status: string;
  details: {
    redis: { status: string; message?: string; failing?: Record<string, string>; coveredSlots: number };
  };
}

async function startApp(keyslot: ReturnType<typeof KeyslotModule.forRoot>): Promise<NestFastifyApplication> {
  @Module({ imports: [keyslot, HealthModule] })
  class AppModule {}
  return startFastifyApp(AppModule);
}

async function getHealth(app: NestFastifyApplication): Promise<{ code: number; body: HealthBody }> {
  const response = await app.inject({ method: 'GET', url: '/health' });
  return { code: response.statusCode, body: response.json() as HealthBody };
}

describe('ClusterHealthIndicator', () => {
  let cluster: DevCluster;
  let app: NestFastifyApplication;
  const clientName = `health-${process.pid}`;

  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    app = await startApp(
      KeyslotModule.forRoot({
        nodes: cluster.seeds,
        clientOptions: { clientName },
        connection: { commandTimeoutMs: 2000 },
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  // Connections with our client name, per node, as the servers see them.
  async function ourConnections(): Promise<number[]> {
    return Promise.all(
      cluster.nodes
        .filter((node) => node.state === 'running')
        .map(async (node) => {
          const list = String(await cluster.admin(node, 'CLIENT', 'LIST'));
          return list.split('\n').filter((line) => line.includes(`name=${clientName} `)).length;
        }),
    );
  }

  it('is up when every slot is served and every primary answers, over the shared connection', async () => {
    const before = await ourConnections();
    for (let i = 0; i < 5; i++) {
      const { code, body } = await getHealth(app);
      expect(code).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.details.redis).toEqual({ status: 'up', coveredSlots: 16384, primaries: 3 });
    }
    const after = await ourConnections();
    expect(after).toEqual(before);
    expect(Math.max(...after)).toBe(1);
  });

  it('goes down while a primary is dead, and up again after its replica takes over', async () => {
    const primary: DevClusterNode = cluster.primaries[0]!;
    const replica: DevClusterNode = cluster.replicasOf(primary)[0]!;
    await cluster.kill(primary);

    let down: HealthBody | undefined;
    await cluster.waitFor(
      async () => {
        const { code, body } = await getHealth(app);
        if (code === 503) down = body;
        return code === 503;
      },
      { timeoutMs: 15_000, message: 'the health check to report the dead primary' },
    );
    expect(down!.status).toBe('error');
    expect(down!.details.redis.status).toBe('down');
    expect(down!.details.redis.message).toContain(primary.address);
    expect(Object.keys(down!.details.redis.failing ?? {})).toEqual([primary.address]);

    await cluster.waitFor(
      async () => {
        await cluster.refresh();
        return replica.role === 'primary';
      },
      { timeoutMs: 20_000, message: `replica ${replica.address} to be promoted` },
    );
    await cluster.waitFor(async () => (await getHealth(app)).code === 200, {
      timeoutMs: 20_000,
      message: 'the health check to be up after the failover',
    });
    expect((await getHealth(app)).body.details.redis).toEqual({
      status: 'up',
      coveredSlots: 16384,
      primaries: 3,
    });
  });
});

describe('ClusterHealthIndicator without a usable connection', () => {
  it('is down while the topology is unknown, and once the connection is closed', async () => {
    const port = await findFreePort();
    const app = await startApp(
      KeyslotModule.forRoot({ nodes: [`127.0.0.1:${port}`], connectOnStart: false }),
    );
    const indicator = app.get(ClusterHealthIndicator);
    expect(await indicator.isHealthy('redis')).toEqual({
      redis: { status: 'down', message: 'the cluster topology is not known yet', coveredSlots: 0 },
    });
    await app.close();
    expect(await indicator.isHealthy('redis')).toEqual({
      redis: { status: 'down', message: 'the cluster connection is closed' },
    });
  });
});
